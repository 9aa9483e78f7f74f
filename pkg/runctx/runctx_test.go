package runctx_test

import (
	"testing"

	"github.com/psflow/psflow/pkg/runctx"
	"gotest.tools/v3/assert"
)

func TestDetection(t *testing.T) {
	t.Parallel()
	cases := []readCase{
		{name: "no CI", env: map[string]string{"HOME": "/root", "CI": "true"}, want: runctx.Context{}},
		{
			name: "GitHub Actions runner hosted by CodeBuild",
			env:  map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_REF_NAME": "main", "CODEBUILD_BUILD_ID": "runner:1", "CODEBUILD_WEBHOOK_TRIGGER": "pr/3"},
			want: runctx.Context{CI: runctx.GitHubActions, HeadRef: "main", Host: "github.com", ReportsEnd: true},
		},
		{
			name: "GitHub repository alone",
			env:  map[string]string{"GITHUB_REPOSITORY": "acme/app"},
			want: runctx.Context{CI: runctx.GitHubActions, Repository: "acme/app", Host: "github.com", ReportsEnd: true},
		},
		{
			name: "GitHub variables exported in another CI",
			env:  map[string]string{"GITHUB_REF_NAME": "main", "GITLAB_CI": "true", "CI_COMMIT_BRANCH": "feature"},
			want: runctx.Context{CI: runctx.GitLab, HeadRef: "feature"},
		},
	}
	runCases(t, cases)
}

func TestString(t *testing.T) {
	t.Parallel()
	cases := []struct {
		ctx  runctx.Context
		want string
	}{
		{runctx.Context{}, "no CI recognised"},
		{
			runctx.Context{CI: runctx.CodeBuild, PullRequest: 314, HeadRef: "feature/x", BaseRef: "main", Event: runctx.Opened, Repository: "acme/app", Host: "github.com"},
			"AWS CodeBuild: pull request #314 (opened) from feature/x into main, repository github.com/acme/app",
		},
		{runctx.Context{CI: runctx.GitLab, PullRequest: 12, HeadRef: "feature/x"}, "GitLab CI: merge request #12 (event not reported) from feature/x"},
		{runctx.Context{CI: runctx.Jenkins, HeadRef: "main"}, "Jenkins: branch main"},
		{runctx.Context{CI: runctx.GitHubActions, HeadRef: "main", Event: runctx.Push, Repository: "acme/app"}, "GitHub Actions: branch main (push), repository acme/app"},
		{runctx.Context{CI: runctx.Buildkite}, "Buildkite: no pull request or branch"},
	}
	for _, c := range cases {
		assert.Equal(t, c.ctx.String(), c.want)
	}
}

func TestOnGitHub(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		ctx    runctx.Context
		apiURL string
		want   bool
	}{
		{"github.com", runctx.Context{Repository: "acme/app", Host: "github.com"}, "https://api.github.com", true},
		{"github.com with a test API", runctx.Context{Repository: "acme/app", Host: "github.com"}, "http://127.0.0.1:9/", true},
		{"enterprise server", runctx.Context{Repository: "acme/app", Host: "ghe.acme.example"}, "https://ghe.acme.example/api/v3", true},
		{"enterprise server, other API", runctx.Context{Repository: "acme/app", Host: "ghe.acme.example"}, "https://api.github.com", false},
		{"gitlab", runctx.Context{Repository: "acme/app", Host: "gitlab.com"}, "https://api.github.com", false},
		{"no repository", runctx.Context{Host: "github.com"}, "https://api.github.com", false},
		{"no host", runctx.Context{Repository: "acme/app"}, "https://api.github.com", false},
	}
	for _, c := range cases {
		assert.Equal(t, c.ctx.OnGitHub(c.apiURL), c.want, c.name)
	}
}

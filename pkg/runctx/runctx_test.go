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
		{runctx.Context{CI: runctx.GitLab, PullRequest: 12, HeadRef: "feature/x"}, "GitLab CI: pull request #12 (event not reported) from feature/x"},
		{runctx.Context{CI: runctx.Jenkins, HeadRef: "main"}, "Jenkins: branch main"},
		{runctx.Context{CI: runctx.GitHubActions, HeadRef: "main", Event: runctx.Push, Repository: "acme/app"}, "GitHub Actions: branch main (push), repository acme/app"},
		{runctx.Context{CI: runctx.Buildkite}, "Buildkite: no pull request or branch"},
	}
	for _, c := range cases {
		assert.Equal(t, c.ctx.String(), c.want)
	}
}

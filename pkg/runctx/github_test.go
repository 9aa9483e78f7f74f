package runctx_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/psflow/psflow/pkg/runctx"
)

// payload writes a webhook payload and returns its path.
func payload(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "event.json")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestGitHubActions(t *testing.T) {
	t.Parallel()
	prEvent := func(action string, merged bool) string {
		m := "false"
		if merged {
			m = "true"
		}
		return payload(t, `{"action":"`+action+`","number":7,"pull_request":{"number":7,"title":"Add users","html_url":"https://github.com/acme/app/pull/7","merged":`+m+`,"head":{"ref":"feature/x"},"base":{"ref":"main"}}}`)
	}
	base := map[string]string{
		"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "acme/app", "GITHUB_SERVER_URL": "https://github.com",
		"GITHUB_EVENT_NAME": "pull_request", "GITHUB_HEAD_REF": "feature/x", "GITHUB_BASE_REF": "main", "GITHUB_REF_NAME": "7/merge",
	}
	pr := func(e runctx.Event) runctx.Context {
		return runctx.Context{
			CI: runctx.GitHubActions, PullRequest: 7, HeadRef: "feature/x", BaseRef: "main", Event: e, Title: "Add users",
			URL: "https://github.com/acme/app/pull/7", Repository: "acme/app", Host: "github.com", ReportsEnd: true,
		}
	}
	cases := []readCase{
		{name: "opened", env: with(base, map[string]string{"GITHUB_EVENT_PATH": prEvent("opened", false)}), want: pr(runctx.Opened)},
		{name: "synchronize", env: with(base, map[string]string{"GITHUB_EVENT_PATH": prEvent("synchronize", false)}), want: pr(runctx.Updated)},
		{name: "reopened", env: with(base, map[string]string{"GITHUB_EVENT_PATH": prEvent("reopened", false)}), want: pr(runctx.Reopened)},
		{name: "merged", env: with(base, map[string]string{"GITHUB_EVENT_PATH": prEvent("closed", true)}), want: pr(runctx.Merged)},
		{name: "closed", env: with(base, map[string]string{"GITHUB_EVENT_PATH": prEvent("closed", false)}), want: pr(runctx.Closed)},
		{name: "other activity", env: with(base, map[string]string{"GITHUB_EVENT_PATH": prEvent("ready_for_review", false)}), want: pr("ready_for_review")},
		{
			name: "from a fork",
			env:  with(base, map[string]string{"GITHUB_EVENT_PATH": forkEvent(t, "alice/app")}),
			want: withheldCtx(pr(runctx.Opened), "pull request #7 comes from the fork alice/app"),
		},
		{name: "from a branch of the repository", env: with(base, map[string]string{"GITHUB_EVENT_PATH": forkEvent(t, "acme/app")}), want: pr(runctx.Opened)},
		{
			name: "dependabot",
			env:  with(base, map[string]string{"GITHUB_EVENT_PATH": forkEvent(t, "acme/app"), "GITHUB_ACTOR": "dependabot[bot]"}),
			want: withheldCtx(pr(runctx.Opened), "pull request #7 is Dependabot's, whose runs get Dependabot secrets only"),
		},
		{
			name: "fork under pull_request_target, which has secrets",
			env:  with(base, map[string]string{"GITHUB_EVENT_PATH": forkEvent(t, "alice/app"), "GITHUB_EVENT_NAME": "pull_request_target"}),
			want: pr(runctx.Opened),
		},
		{
			name: "push",
			env: with(base, map[string]string{
				"GITHUB_EVENT_NAME": "push", "GITHUB_HEAD_REF": "", "GITHUB_BASE_REF": "", "GITHUB_REF_NAME": "feature/Add_Users",
				"GITHUB_EVENT_PATH": payload(t, `{"ref":"refs/heads/feature/Add_Users"}`),
			}),
			want: runctx.Context{CI: runctx.GitHubActions, HeadRef: "feature/Add_Users", Event: runctx.Push, Repository: "acme/app", Host: "github.com", ReportsEnd: true},
		},
		{
			name: "enterprise server",
			env: with(base, map[string]string{
				"GITHUB_SERVER_URL": "https://ghe.acme.example", "GITHUB_EVENT_NAME": "push", "GITHUB_HEAD_REF": "", "GITHUB_BASE_REF": "", "GITHUB_REF_NAME": "main",
			}),
			want: runctx.Context{CI: runctx.GitHubActions, HeadRef: "main", Event: runctx.Push, Repository: "acme/app", Host: "ghe.acme.example", ReportsEnd: true},
		},
		{
			name: "event variables without GITHUB_ACTIONS",
			env:  map[string]string{"GITHUB_EVENT_PATH": prEvent("opened", false), "GITHUB_REPOSITORY": "acme/app"},
			want: pr(runctx.Opened),
		},
		{
			name: "number outside the pull request object",
			env:  with(base, map[string]string{"GITHUB_EVENT_PATH": payload(t, `{"action":"opened","number":9,"pull_request":{"head":{"ref":"feature/y"}}}`)}),
			want: runctx.Context{CI: runctx.GitHubActions, PullRequest: 9, HeadRef: "feature/y", BaseRef: "main", Event: runctx.Opened, Repository: "acme/app", Host: "github.com", ReportsEnd: true},
		},
		{name: "unreadable payload", env: with(base, map[string]string{"GITHUB_EVENT_PATH": filepath.Join(t.TempDir(), "missing.json")}), err: "GitHub Actions: read the event payload"},
		{name: "malformed payload", env: with(base, map[string]string{"GITHUB_EVENT_PATH": payload(t, `{"action":`)}), err: "GitHub Actions: parse the event payload"},
	}
	runCases(t, cases)
}

// forkEvent is the payload of pull request 7 opened from head, a
// repository, into acme/app.
func forkEvent(t *testing.T, head string) string {
	t.Helper()
	return payload(t, `{"action":"opened","number":7,"pull_request":{"number":7,"title":"Add users","html_url":"https://github.com/acme/app/pull/7",`+
		`"head":{"ref":"feature/x","repo":{"full_name":"`+head+`"}},"base":{"ref":"main","repo":{"full_name":"acme/app"}}}}`)
}

// withheldCtx is c with Withheld set to why.
func withheldCtx(c runctx.Context, why string) runctx.Context {
	c.Withheld = why
	return c
}

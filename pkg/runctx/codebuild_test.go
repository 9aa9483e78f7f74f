package runctx_test

import (
	"testing"

	"github.com/psflow/psflow/pkg/runctx"
)

// codeBuildPR is what CodeBuild sets for a GitHub pull request webhook.
var codeBuildPR = map[string]string{
	"CODEBUILD_BUILD_ID":                 "bookings-pr:0b1c",
	"CODEBUILD_INITIATOR":                "GitHub-Hookshot/1a2b3c",
	"CODEBUILD_SOURCE_REPO_URL":          "https://github.com/acme/bookings-api.git",
	"CODEBUILD_SOURCE_VERSION":           "pr/314",
	"CODEBUILD_WEBHOOK_TRIGGER":          "pr/314",
	"CODEBUILD_WEBHOOK_EVENT":            "PULL_REQUEST_CREATED",
	"CODEBUILD_WEBHOOK_HEAD_REF":         "refs/heads/feature/Orders_Webhooks",
	"CODEBUILD_WEBHOOK_BASE_REF":         "refs/heads/main",
	"CODEBUILD_WEBHOOK_ACTOR_ACCOUNT_ID": "583231",
}

func TestCodeBuild(t *testing.T) {
	t.Parallel()
	pr := func(e runctx.Event) runctx.Context {
		return runctx.Context{
			CI: runctx.CodeBuild, PullRequest: 314, HeadRef: "feature/Orders_Webhooks", BaseRef: "main", Event: e,
			URL: "https://github.com/acme/bookings-api/pull/314", Repository: "acme/bookings-api", Host: "github.com", ReportsEnd: true,
		}
	}
	cases := []readCase{
		{name: "created", env: codeBuildPR, want: pr(runctx.Opened)},
		{name: "updated", env: with(codeBuildPR, map[string]string{"CODEBUILD_WEBHOOK_EVENT": "PULL_REQUEST_UPDATED"}), want: pr(runctx.Updated)},
		{name: "reopened", env: with(codeBuildPR, map[string]string{"CODEBUILD_WEBHOOK_EVENT": "PULL_REQUEST_REOPENED"}), want: pr(runctx.Reopened)},
		{name: "merged", env: with(codeBuildPR, map[string]string{"CODEBUILD_WEBHOOK_EVENT": "PULL_REQUEST_MERGED"}), want: pr(runctx.Merged)},
		{name: "closed", env: with(codeBuildPR, map[string]string{"CODEBUILD_WEBHOOK_EVENT": "PULL_REQUEST_CLOSED"}), want: pr(runctx.Closed)},
		{
			name: "push",
			env: with(codeBuildPR, map[string]string{
				"CODEBUILD_WEBHOOK_TRIGGER": "branch/feature/Orders_Webhooks", "CODEBUILD_WEBHOOK_EVENT": "PUSH",
				"CODEBUILD_SOURCE_VERSION": "9f8e7d6c", "CODEBUILD_WEBHOOK_BASE_REF": "",
			}),
			want: runctx.Context{CI: runctx.CodeBuild, HeadRef: "feature/Orders_Webhooks", Event: runctx.Push, Repository: "acme/bookings-api", Host: "github.com", ReportsEnd: true},
		},
		{
			name: "push without a head ref",
			env: with(codeBuildPR, map[string]string{
				"CODEBUILD_WEBHOOK_TRIGGER": "branch/release/2.0", "CODEBUILD_WEBHOOK_EVENT": "PUSH",
				"CODEBUILD_WEBHOOK_HEAD_REF": "", "CODEBUILD_WEBHOOK_BASE_REF": "", "CODEBUILD_SOURCE_VERSION": "",
			}),
			want: runctx.Context{CI: runctx.CodeBuild, HeadRef: "release/2.0", Event: runctx.Push, Repository: "acme/bookings-api", Host: "github.com", ReportsEnd: true},
		},
		{
			name: "tag push names no branch",
			env: with(codeBuildPR, map[string]string{
				"CODEBUILD_WEBHOOK_TRIGGER": "tag/v2.0.0", "CODEBUILD_WEBHOOK_EVENT": "PUSH",
				"CODEBUILD_WEBHOOK_HEAD_REF": "refs/tags/v2.0.0", "CODEBUILD_WEBHOOK_BASE_REF": "", "CODEBUILD_SOURCE_VERSION": "",
			}),
			want: runctx.Context{CI: runctx.CodeBuild, Event: runctx.Push, Repository: "acme/bookings-api", Host: "github.com", ReportsEnd: true},
		},
		{
			name: "started by hand for a pull request",
			env: map[string]string{
				"CODEBUILD_BUILD_ID": "bookings-pr:77", "CODEBUILD_SOURCE_VERSION": "pr/314",
				"CODEBUILD_SOURCE_REPO_URL": "https://github.com/acme/bookings-api.git",
			},
			want: runctx.Context{
				CI: runctx.CodeBuild, PullRequest: 314, URL: "https://github.com/acme/bookings-api/pull/314",
				Repository: "acme/bookings-api", Host: "github.com", ReportsEnd: true,
			},
		},
		{
			name: "started by hand for a commit",
			env:  map[string]string{"CODEBUILD_BUILD_ID": "bookings-pr:78", "CODEBUILD_SOURCE_VERSION": "9f8e7d6c5b4a"},
			want: runctx.Context{CI: runctx.CodeBuild, ReportsEnd: true},
		},
		{
			name: "bitbucket source",
			env: with(codeBuildPR, map[string]string{
				"CODEBUILD_SOURCE_REPO_URL": "https://bitbucket.org/acme/bookings-api.git", "CODEBUILD_WEBHOOK_EVENT": "PULL_REQUEST_MERGED",
			}),
			want: runctx.Context{
				CI: runctx.CodeBuild, PullRequest: 314, HeadRef: "feature/Orders_Webhooks", BaseRef: "main", Event: runctx.Merged,
				Repository: "acme/bookings-api", Host: "bitbucket.org", ReportsEnd: true,
			},
		},
		{name: "malformed trigger", env: with(codeBuildPR, map[string]string{"CODEBUILD_WEBHOOK_TRIGGER": "pr/abc"}), err: `AWS CodeBuild: CODEBUILD_WEBHOOK_TRIGGER: "abc" is not a pull request number`},
	}
	runCases(t, cases)
}

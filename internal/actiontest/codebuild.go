package actiontest

import (
	"fmt"
	"strings"
)

// CodeBuildPullRequest is what AWS CodeBuild sets for a webhook build of PR n of repo, event
// PULL_REQUEST_* (docs.aws.amazon.com/codebuild/latest/userguide/build-env-ref-env-vars.html).
func CodeBuildPullRequest(repo string, n int, event string) map[string]string {
	_, name, _ := strings.Cut(repo, "/")
	return map[string]string{
		"CODEBUILD_BUILD_ID":                 fmt.Sprintf("%s-pr:%08x-5d1e-4c3b-9a2f-0e6d7c8b9a10", name, n),
		"CODEBUILD_INITIATOR":                "GitHub-Hookshot/4b2f1c0",
		"CODEBUILD_SOURCE_REPO_URL":          "https://github.com/" + repo + ".git",
		"CODEBUILD_SOURCE_VERSION":           fmt.Sprintf("pr/%d", n),
		"CODEBUILD_RESOLVED_SOURCE_VERSION":  "8c1f5e2a9d7b3c4e6f0a1b2c3d4e5f60718293a4",
		"CODEBUILD_WEBHOOK_ACTOR_ACCOUNT_ID": "583231",
		"CODEBUILD_WEBHOOK_TRIGGER":          fmt.Sprintf("pr/%d", n),
		"CODEBUILD_WEBHOOK_EVENT":            event,
		"CODEBUILD_WEBHOOK_HEAD_REF":         fmt.Sprintf("refs/heads/feature/change-%d", n),
		"CODEBUILD_WEBHOOK_BASE_REF":         "refs/heads/main",
	}
}

package waitanddeploy_test

import (
	"testing"

	"github.com/psflow/psflow/actions/internal/deploytest"
	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// TestWaitAndDeployActsOnTheEvent deploys for a merged pull request, not a closed one,
// on every CI that says which it is, and says so when the CI does not.
func TestWaitAndDeployActsOnTheEvent(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		vars     map[string]string
		args     []string
		deployed bool
		log      string
	}{
		{name: "codebuild closed", vars: actiontest.CodeBuildPullRequest("acme/app", 5, "PULL_REQUEST_CLOSED"),
			log: "notice: pull request #5 was closed without merging: nothing was deployed to acme/app"},
		{name: "github closed", vars: map[string]string{"GITHUB_EVENT_PATH": actiontest.PullRequestEvent(t, "closed", 5, false)},
			log: "notice: pull request #5 was closed without merging: nothing was deployed to acme/app"},
		{name: "codebuild merged", vars: actiontest.CodeBuildPullRequest("acme/app", 5, "PULL_REQUEST_MERGED"), deployed: true,
			log: "pull request #5 was merged: deploying its deploy request"},
		{name: "gitlab", vars: map[string]string{"GITLAB_CI": "true", "CI_MERGE_REQUEST_IID": "5"}, deployed: true,
			log: "GitLab CI does not report whether pull request #5 was merged or closed; the deploy input decides (deploy: true)"},
		{name: "codebuild started by hand", vars: map[string]string{"CODEBUILD_BUILD_ID": "app-pr:2", "CODEBUILD_SOURCE_VERSION": "pr/5"}, deployed: true,
			log: "AWS CodeBuild reported no event for pull request #5; the deploy input decides (deploy: true)"},
		{name: "branch input wins", vars: actiontest.CodeBuildPullRequest("acme/app", 5, "PULL_REQUEST_CLOSED"), args: []string{"--branch", "pr-5"}, deployed: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			em := emulatortest.Start(t)
			n := opened(t, em, "pr-5", []string{postsTable})
			r := actiontest.Exec(t, deploytest.Env(em, c.vars), "wait-and-deploy", append([]string{"--revert-window", "skip"}, c.args...)...)
			r.Assert(t, icmd.Success)
			assert.Check(t, is.Contains(r.Stderr(), c.log))
			_, deployed := deploytest.Tables(t, em, "main")["posts"]
			assert.Equal(t, deployed, c.deployed, "production schema")
			if c.deployed {
				assert.Equal(t, em.DeployCalls("app", n), 1)
				assert.Equal(t, r.Outputs["deployment_state"], "complete")
				return
			}
			assert.Equal(t, em.DeployCalls("app", n), 0)
			assert.DeepEqual(t, r.Outputs, map[string]string{})
		})
	}
}

package deletebranch_test

import (
	"slices"
	"testing"

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// TestDeleteBranchActsOnTheEvent deletes a merged or closed pull request's branch, keeps an
// open one's, and says so when the CI does not tell.
func TestDeleteBranchActsOnTheEvent(t *testing.T) {
	t.Parallel()
	codeBuild := func(event string) map[string]string { return actiontest.CodeBuildPullRequest("acme/app", 4, event) }
	cases := []struct {
		name    string
		vars    map[string]string
		args    []string
		deleted bool
		log     string
	}{
		{name: "codebuild merged", vars: codeBuild("PULL_REQUEST_MERGED"), deleted: true, log: "pull request #4 was merged: deleting its branch pr-4"},
		{name: "codebuild closed", vars: codeBuild("PULL_REQUEST_CLOSED"), deleted: true, log: "pull request #4 was closed: deleting its branch pr-4"},
		{name: "codebuild updated", vars: codeBuild("PULL_REQUEST_UPDATED"),
			log: "notice: pull request #4 is open (updated): branch pr-4 of acme/app is kept"},
		{name: "github synchronize", vars: map[string]string{"GITHUB_EVENT_PATH": actiontest.PullRequestEvent(t, "synchronize", 4, false)},
			log: "notice: pull request #4 is open (updated): branch pr-4 of acme/app is kept"},
		{name: "jenkins", vars: map[string]string{"JENKINS_URL": "https://ci.example/", "CHANGE_ID": "4"}, deleted: true,
			log: "Jenkins does not report whether pull request #4 was merged or closed; deleting its branch pr-4 as asked"},
		{name: "branch input wins", vars: codeBuild("PULL_REQUEST_UPDATED"), args: []string{"--branch", "pr-4"}, deleted: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			em := emulatortest.Start(t)
			sdk := actiontest.SDK(t, em)
			createBranches(t, sdk, "pr-4")
			env := actiontest.Env(em, "app")
			for k, v := range c.vars {
				env[k] = v
			}
			r := actiontest.Exec(t, env, "delete-branch", c.args...)
			r.Assert(t, icmd.Success)
			assert.Check(t, is.Contains(r.Stderr(), c.log))
			assert.Equal(t, !slices.Contains(branchNames(t, sdk), "pr-4"), c.deleted)
			want := ""
			if c.deleted {
				want = "pr-4"
			}
			assert.Equal(t, r.Outputs["deleted"], want)
		})
	}
}

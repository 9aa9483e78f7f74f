package opendeployrequest_test

import (
	"context"
	"testing"

	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/actions/internal/deploytest"
	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/internal/ghfake"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

const createPath = "POST /v1/organizations/{organization}/databases/{database}/deploy-requests"

// requests lists the numbers of every deploy request of the database.
func requests(t *testing.T, em *emulator.Emulator) []uint64 {
	t.Helper()
	list, err := actiontest.SDK(t, em).DeployRequests.List(context.Background(), &ps.ListDeployRequestsRequest{Organization: "acme", Database: "app"})
	assert.NilError(t, err)
	var out []uint64
	for _, dr := range list {
		out = append(out, dr.Number)
	}
	return out
}

// Re-run after the deploy, open-deploy-request reports the deployed request and opens none,
// keeping the sticky comment; a later push opens a request with only the new changes.
func TestOpenDeployRequestAfterTheDeploy(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, opts...)
		deploytest.Branch(t, em, "pr-50", postsTable)
		gh := ghfake.New(t)
		gh.AddPull("acme", "app", 50, "open", false)
		env := githubEnv(t, em, gh, 50)
		actiontest.Exec(t, env, "open-deploy-request").Assert(t, icmd.Success)
		merged := deploytest.GitHubEnv(t, em, gh, "closed", 50, true)
		actiontest.Exec(t, merged, "wait-and-deploy", "--revert-window", "skip").Assert(t, icmd.Success)
		deployed := marked(gh, 50, "pr-50")[0].Body

		for _, e := range []map[string]string{env, merged} {
			again := actiontest.Exec(t, e, "open-deploy-request")
			again.Assert(t, icmd.Success)
			assert.Check(t, is.Contains(again.Stderr(), "branch pr-50 of acme/app has no schema changes since deploy request #1 into main (deployed at "))
			assert.Check(t, is.Contains(again.Stderr(), ", complete): no deploy request opened; the outputs are #1's (https://app.planetscale.com/acme/app/deploy-requests/1)"))
			assert.Equal(t, again.Outputs["number"], "1")
			assert.Equal(t, again.Outputs["url"], "https://app.planetscale.com/acme/app/deploy-requests/1")
			assert.Equal(t, again.Outputs["deployment_state"], "complete")
			assert.Equal(t, again.Outputs["has_changes"], "false")
			assert.Equal(t, again.Outputs["deployable"], "false")
			assert.Equal(t, again.Outputs["reported_diff"], "")
		}
		assert.DeepEqual(t, requests(t, em), []uint64{1})
		assert.Equal(t, em.Counts()[createPath], 1)
		assert.Equal(t, marked(gh, 50, "pr-50")[0].Body, deployed, "the comment keeps the deploy's report")

		// New changes on the branch: a new request, with them alone.
		deploytest.Exec(t, em, "pr-50", "ALTER TABLE posts ADD COLUMN body TEXT")
		next := actiontest.Exec(t, env, "open-deploy-request")
		next.Assert(t, icmd.Success)
		assert.Check(t, is.Contains(next.Stderr(), "branch pr-50 of acme/app has schema changes since deploy request #1 (deployed at "))
		assert.Check(t, is.Contains(next.Stderr(), "opened deploy request #2 of acme/app: pr-50 → main"))
		assert.Equal(t, next.Outputs["number"], "2")
		assert.Equal(t, next.Outputs["has_changes"], "true")
		assert.Equal(t, next.Outputs["diff"], "ALTER TABLE `posts` ADD COLUMN `body` text")
	})
}

// A merged pull request's job re-run after the deploy, its branch made afresh, reports the
// deployed request, and wait-and-deploy follows it without deploying again.
func TestOpenDeployRequestRerunOfTheMergedJob(t *testing.T) {
	t.Parallel()
	em := emulatortest.Start(t)
	deploytest.Branch(t, em, "pr-51", postsTable)
	deploytest.Run(t, em, "open-deploy-request", "pr-51")
	deploytest.Run(t, em, "wait-and-deploy", "pr-51", "--revert-window", "skip")
	deploytest.Run(t, em, "delete-branch", "pr-51")

	deploytest.Branch(t, em, "pr-51")
	open := deploytest.Run(t, em, "open-deploy-request", "pr-51")
	assert.Check(t, is.Contains(open.Stderr(), "branch pr-51 of acme/app has no schema changes since deploy request #1 into main (deployed at "))
	assert.Equal(t, open.Outputs["number"], "1")
	follow := deploytest.Run(t, em, "wait-and-deploy", "pr-51", "--revert-window", "skip")
	assert.Check(t, is.Contains(follow.Stderr(), "following its last deployed request #1"))
	assert.Equal(t, follow.Outputs["deployment_state"], "complete")
	assert.Equal(t, em.DeployCalls("app", 1), 1, "deployed once")
	assert.DeepEqual(t, requests(t, em), []uint64{1})
}

// A request closed for having nothing to deploy is reported again, not
// opened and closed anew, until the branch changes.
func TestOpenDeployRequestAfterClosingOneWithoutChanges(t *testing.T) {
	t.Parallel()
	em := emulatortest.Start(t)
	deploytest.Branch(t, em, "pr-52")
	first := deploytest.Run(t, em, "open-deploy-request", "pr-52", "--close-if-no-changes")
	assert.Equal(t, first.Outputs["deployment_state"], "no_changes")
	again := deploytest.Run(t, em, "open-deploy-request", "pr-52", "--close-if-no-changes")
	assert.Check(t, is.Contains(again.Stderr(), "branch pr-52 of acme/app has no schema changes since deploy request #1 into main (closed without a deploy, no_changes): "+
		"no deploy request opened; the outputs are #1's"))
	assert.Equal(t, again.Outputs["number"], "1")
	assert.Equal(t, again.Outputs["deployment_state"], "no_changes")
	assert.DeepEqual(t, requests(t, em), []uint64{1})

	deploytest.Exec(t, em, "pr-52", postsTable)
	changed := deploytest.Run(t, em, "open-deploy-request", "pr-52")
	assert.Equal(t, changed.Outputs["number"], "2")
	assert.Equal(t, changed.Outputs["has_changes"], "true")
}

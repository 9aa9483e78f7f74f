package waitanddeploy_test

import (
	"context"
	"testing"

	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/actions/internal/deploytest"
	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// duplicateCodes starts an emulator whose table codes on main holds one code twice, so
// a unique key on it fails at cutover, and returns it with the steps' environment.
func duplicateCodes(t *testing.T, opts ...emulatortest.Option) (*emulator.Emulator, map[string]string) {
	t.Helper()
	em := emulatortest.Start(t, opts...)
	deploytest.Exec(t, em, "main", deploytest.BaseSchema...)
	deploytest.Exec(t, em, "main", "CREATE TABLE codes (id BIGINT NOT NULL, code VARCHAR(10), PRIMARY KEY (id))",
		"INSERT INTO codes VALUES (1, 'x'), (2, 'x')")
	return em, deploytest.Env(em, nil)
}

// A deploy behind another request's failed deploy stops, naming it, and cancels its
// own deployment; only with unblock_queue does it unblock the queue and deploy.
func TestWaitAndDeployOnABlockedQueue(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em, env := duplicateCodes(t, opts...)
		// #1 adds a unique key the rows in production break at its cutover.
		failing := opened(t, em, "pr-1", []string{"ALTER TABLE codes ADD UNIQUE KEY code (code)"}, "--auto-cutover=false")
		second := opened(t, em, "pr-2", []string{postsTable})
		third := opened(t, em, "pr-3", []string{"CREATE TABLE tags (id BIGINT NOT NULL, PRIMARY KEY (id))"})
		gated := actiontest.Exec(t, env, "wait-and-deploy", "--branch", "pr-1", "--apply-cutover=false", "--timeout", "2s", "--on-timeout", "leave")
		gated.Assert(t, icmd.Expected{ExitCode: 3})
		sdk, ctx := actiontest.SDK(t, em), context.Background()
		for _, n := range []uint64{second, third} {
			_, err := sdk.DeployRequests.Deploy(ctx, &ps.PerformDeployRequest{Organization: "acme", Database: "app", Number: n})
			assert.NilError(t, err)
		}
		_, err := sdk.DeployRequests.ApplyDeploy(ctx, &ps.ApplyDeployRequestRequest{Organization: "acme", Database: "app", Number: failing})
		assert.NilError(t, err)
		deploytest.WaitForState(t, em, failing, "complete_error")

		stopped := actiontest.Exec(t, env, "wait-and-deploy", "--branch", "pr-2")
		stopped.Assert(t, icmd.Expected{ExitCode: 4})
		assert.Check(t, is.Contains(stopped.Stderr(), "psflow wait-and-deploy: the deploy queue of main of acme/app is blocked by deploy request #1, whose deploy or revert ended in complete_error: "+
			"PlanetScale holds the queue until it is unblocked (pscale deploy-request unblock app 1); psflow unblocks another request's deploy only with unblock_queue: true; cancelled its deployment"))
		deploytest.WaitForState(t, em, second, "complete_cancel")
		assert.Equal(t, em.Counts()["POST /v1/organizations/{organization}/databases/{database}/deploy-requests/{number}/complete-deploy"], 0)

		unblocked := actiontest.Exec(t, env, "wait-and-deploy", "--branch", "pr-3", "--unblock-queue")
		unblocked.Assert(t, icmd.Success)
		assert.Check(t, is.Contains(unblocked.Stderr(), "unblocked the deploy queue of main: deploy request #1 (branch pr-1) of acme/app ended in complete_error and held it (unblock_queue)"))
		tables := deploytest.Tables(t, em, "main")
		assert.Check(t, tables["tags"] != "")
		assert.Check(t, tables["posts"] == "", "the cancelled deployment reached main")
		assert.Check(t, !is.Contains(tables["codes"], "UNIQUE")().Success())
	})
}

// A queue blocked by an earlier failed request of the same branch is unblocked
// without being told, and the new request deploys.
func TestWaitAndDeployUnblocksItsOwnFailedRequest(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em, env := duplicateCodes(t, opts...)
		failing := opened(t, em, "pr-1", []string{"ALTER TABLE codes ADD UNIQUE KEY code (code)"})
		failed := actiontest.Exec(t, env, "wait-and-deploy", "--branch", "pr-1")
		failed.Assert(t, icmd.Expected{ExitCode: 4})
		deploytest.WaitForState(t, em, failing, "complete_error")

		// The rows are mended, the failed request is closed, and the job
		// runs again: a new request of the same branch.
		deploytest.Exec(t, em, "main", "DELETE FROM codes WHERE id = 2")
		sdk, ctx := actiontest.SDK(t, em), context.Background()
		_, err := sdk.DeployRequests.CloseDeploy(ctx, &ps.CloseDeployRequestRequest{Organization: "acme", Database: "app", Number: failing})
		assert.NilError(t, err)
		again := actiontest.Exec(t, env, "open-deploy-request", "--branch", "pr-1")
		again.Assert(t, icmd.Success)
		r := actiontest.Exec(t, env, "wait-and-deploy", "--branch", "pr-1")
		r.Assert(t, icmd.Success)
		assert.Check(t, is.Contains(r.Stderr(), "unblocked the deploy queue of main: deploy request #1 of acme/app, an earlier request of branch pr-1, ended in complete_error and held it"))
		assert.Check(t, is.Contains(deploytest.Tables(t, em, "main")["codes"], "unique key `code`"))
	})
}

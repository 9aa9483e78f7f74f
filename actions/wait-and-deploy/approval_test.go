package waitanddeploy_test

import (
	"strings"
	"testing"
	"time"

	"github.com/psflow/psflow/actions/internal/deploytest"
	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
	"gotest.tools/v3/poll"
)

const getDatabasePath = "GET /v1/organizations/{organization}/databases/{database}"

// waitForCalls waits until em has answered at least n requests of pattern.
func waitForCalls(t *testing.T, em *emulator.Emulator, pattern string, n int) {
	t.Helper()
	poll.WaitOn(t, func(poll.LogT) poll.Result {
		if got := em.Counts()[pattern]; got < n {
			return poll.Continue("%d of %d requests %s", got, n, pattern)
		}
		return poll.Success()
	}, poll.WithTimeout(30*time.Second), poll.WithDelay(20*time.Millisecond))
}

// Where approvals are required, a refused deploy waits, saying so once, until the
// request is approved, or times out (exit 3) naming the missing approval.
func TestWaitAndDeployWaitsForAnApproval(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, append(opts, emulatortest.WithRequireApproval(),
			emulatortest.WithExtraToken(deploytest.Reviewer.ID, deploytest.Reviewer.Secret))...)
		n := opened(t, em, "pr-16", []string{postsTable})
		const waiting = "deploy request #1 of acme/app needs an approval before it can be deployed: the database requires approval for deploys"

		late := actiontest.Exec(t, deploytest.Env(em, nil), "wait-and-deploy", "--branch", "pr-16", "--timeout", "2s")
		late.Assert(t, icmd.Expected{ExitCode: 3})
		assert.Check(t, is.Contains(late.Stderr(), "timed out after 2s waiting for an approval of deploy request #1 of acme/app: "+
			"the database requires approval for deploys and nobody has approved it; ask a database administrator other than its author to approve it on PlanetScale"))
		assert.Equal(t, strings.Count(late.Stderr(), waiting), 1, "the wait is logged once")
		assert.Equal(t, late.Outputs["deployment_state"], "ready")
		assert.Equal(t, em.DeployCalls("app", n), 1, "one deploy call, refused")

		seen := em.Counts()[getDatabasePath]
		done := background(t, deploytest.Env(em, nil), "--branch", "pr-16", "--timeout", "60s")
		waitForCalls(t, em, getDatabasePath, seen+1)
		deploytest.Approve(t, em, n)
		r := <-done
		r.Assert(t, icmd.Success)
		assert.Equal(t, strings.Count(r.Stderr(), waiting), 1)
		assert.Check(t, is.Contains(r.Stderr(), "deploy request #1 of acme/app no longer waits for an approval (approved: true)"))
		assert.Equal(t, em.DeployCalls("app", n), 3, "refused once by each run, then deployed")
		assert.Check(t, deploytest.Tables(t, em, "main")["posts"] != "")
	})
}

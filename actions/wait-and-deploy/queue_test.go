package waitanddeploy_test

import (
	"context"
	"strings"
	"testing"
	"time"

	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/actions/internal/deploytest"
	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

const getDeployRequestPath = "GET /v1/organizations/{organization}/databases/{database}/deploy-requests/{number}"

// A queued deploy logs its place and what holds the queue ahead, once per change,
// and keeps waiting within its timeout.
func TestWaitAndDeployWaitsInTheQueue(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, append(opts, emulatortest.WithTimings(emulator.Timings{RevertWindow: time.Hour}))...)
		first := opened(t, em, "pr-17", []string{postsTable}, "--auto-cutover=false")
		second := opened(t, em, "pr-18", []string{"CREATE TABLE tags (id BIGINT NOT NULL, PRIMARY KEY (id))"})
		gated := actiontest.Exec(t, deploytest.Env(em, nil), "wait-and-deploy", "--branch", "pr-17", "--apply-cutover=false", "--timeout", "3s", "--on-timeout", "leave")
		gated.Assert(t, icmd.Expected{ExitCode: 3})
		deploytest.WaitForState(t, em, first, "pending_cutover")

		const (
			cutover = "deploy request #2 of acme/app is queued at position 2 in the deploy queue of main; ahead of it: " +
				"#1 waits for its cutover (pending_cutover) and holds the queue until it is applied or cancelled"
			revert = "deploy request #2 of acme/app is queued at position 2 in the deploy queue of main; ahead of it: " +
				"#1 is in its revert window (complete_pending_revert) and holds the queue until the revert is skipped, the change reverted or the window closes"
		)
		short := actiontest.Exec(t, deploytest.Env(em, nil), "wait-and-deploy", "--branch", "pr-18", "--timeout", "2s", "--on-timeout", "leave")
		short.Assert(t, icmd.Expected{ExitCode: 3})
		assert.Check(t, is.Contains(short.Stderr(), `(last state "queued")`))
		assert.Equal(t, strings.Count(short.Stderr(), cutover), 1, "logged once however often it is read")

		sdk := actiontest.SDK(t, em)
		ctx := context.Background()
		done := background(t, deploytest.Env(em, nil), "--branch", "pr-18", "--timeout", "60s", "--skip-revert-ahead=false")
		reads := em.Counts()[getDeployRequestPath]
		waitForCalls(t, em, getDeployRequestPath, reads+2)
		_, err := sdk.DeployRequests.ApplyDeploy(ctx, &ps.ApplyDeployRequestRequest{Organization: "acme", Database: "app", Number: first})
		assert.NilError(t, err)
		deploytest.WaitForState(t, em, first, "complete_pending_revert")
		reads = em.Counts()[getDeployRequestPath]
		waitForCalls(t, em, getDeployRequestPath, reads+2)
		_, err = sdk.DeployRequests.SkipRevertDeploy(ctx, &ps.SkipRevertDeployRequestRequest{Organization: "acme", Database: "app", Number: first})
		assert.NilError(t, err)

		r := <-done
		r.Assert(t, icmd.Success)
		assert.Equal(t, strings.Count(r.Stderr(), cutover), 1, r.Stderr())
		assert.Equal(t, strings.Count(r.Stderr(), revert), 1, r.Stderr())
		assert.Check(t, strings.Index(r.Stderr(), cutover) < strings.Index(r.Stderr(), revert))
		assert.Equal(t, em.DeployCalls("app", second), 1, "queued once, by the first run")
		tables := deploytest.Tables(t, em, "main")
		assert.Check(t, tables["posts"] != "" && tables["tags"] != "")
	})
}

// A deploy behind one in its revert window ends that window, says whose, and deploys.
// A run that times out cancels its queued deployment, which then never deploys.
func TestWaitAndDeploySkipsTheRevertWindowAhead(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, append(opts, emulatortest.WithTimings(emulator.Timings{RevertWindow: time.Hour}))...)
		first := opened(t, em, "pr-21", []string{postsTable})
		second := opened(t, em, "pr-22", []string{"CREATE TABLE tags (id BIGINT NOT NULL, PRIMARY KEY (id))"})
		third := opened(t, em, "pr-23", []string{"CREATE TABLE notes (id BIGINT NOT NULL, PRIMARY KEY (id))"})
		env := deploytest.Env(em, nil)
		actiontest.Exec(t, env, "wait-and-deploy", "--branch", "pr-21").Assert(t, icmd.Success)
		deploytest.WaitForState(t, em, first, "complete_pending_revert")

		// Told to wait for the window, #2 times out and cancels its
		// queued deployment: it does not deploy later.
		held := actiontest.Exec(t, env, "wait-and-deploy", "--branch", "pr-22", "--skip-revert-ahead=false", "--timeout", "2s")
		held.Assert(t, icmd.Expected{ExitCode: 3})
		assert.Check(t, is.Contains(held.Stderr(), "#1 is in its revert window"))
		assert.Check(t, is.Contains(held.Stderr(), "cancelled its deployment (now in_progress_cancel, on_timeout: cancel)"))
		deploytest.WaitForState(t, em, second, "complete_cancel")
		deploytest.WaitForState(t, em, first, "complete_pending_revert")

		// By default, #3 ends #1's window and deploys.
		r := actiontest.Exec(t, env, "wait-and-deploy", "--branch", "pr-23")
		r.Assert(t, icmd.Success)
		assert.Check(t, is.Contains(r.Stderr(), "ended the revert window of deploy request #1 (branch pr-21) of acme/app, which held the deploy queue of main ahead of #3: it can no longer be reverted"))
		deploytest.WaitForState(t, em, first, "complete")
		assert.Equal(t, em.DeployCalls("app", second), 1)
		tables := deploytest.Tables(t, em, "main")
		assert.Check(t, tables["posts"] != "" && tables["notes"] != "")
		assert.Check(t, tables["tags"] == "", "the cancelled deployment reached main")
		deploytest.WaitForState(t, em, third, "complete_pending_revert")
	})
}

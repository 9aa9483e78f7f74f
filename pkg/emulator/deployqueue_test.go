package emulator_test

import (
	"strings"
	"testing"
	"time"

	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// The tests of this file follow the deploy queue of main through
// planetscale-go: what happens to a queued deployment when the target
// changes under it, and when the deployment ahead of it is cancelled or
// its revert window skipped. Each asserts the end state of main.

// queuedBehind deploys the request of branch, which must be ready, and
// checks that it joined the queue deployable, behind ahead.
func (d drEnv) queuedBehind(t *testing.T, branch string, ahead uint64) uint64 {
	t.Helper()
	dr := d.wait(t, d.open(t, branch, true).Number, "ready")
	queued, err := d.deploy(t, dr.Number)
	assert.NilError(t, err)
	assert.Equal(t, queued.DeploymentState, "queued")
	assert.Assert(t, queued.Deployment.Deployable)
	got := d.get(t, dr.Number)
	assert.Assert(t, is.Len(got.Deployment.PrecedingDeployments, 1))
	assert.Equal(t, got.Deployment.PrecedingDeployments[0].DeployRequestNumber, ahead)
	return dr.Number
}

// failedAtHead waits for deploy request n to end in complete_error at the head of the queue,
// without starting, with deploy_check_errors holding each of checks.
func (d drEnv) failedAtHead(t *testing.T, n uint64, checks ...string) {
	t.Helper()
	dr := d.wait(t, n, "complete_error")
	assert.Assert(t, !dr.Deployment.Deployable)
	h := d.e.DeployHistory("app", n)
	assert.DeepEqual(t, h[len(h)-2:], []string{"queued", "complete_error"})
	got := d.checkErrors(t, n)
	assert.Assert(t, containsAll(got, checks...), "%s", got)
}

// TestTheHeadOfTheQueueChecksTheTargetAgain: a deployment that no longer applies onto main at the
// head of the queue ends in complete_error with its deploy_check_errors, main untouched.
func TestTheHeadOfTheQueueChecksTheTargetAgain(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		t.Run("the target changed through storage", func(t *testing.T) {
			t.Parallel()
			e := emulatortest.Start(t, opts...)
			d := drEnv{e: e, c: client(t, e)}
			d.collidingBranches(t)
			d.branchWith(t, "pr-alpha", "CREATE TABLE alpha (id BIGINT NOT NULL PRIMARY KEY)")
			gated := d.wait(t, d.open(t, "pr-alpha", false).Number, "ready")
			_, err := d.deploy(t, gated.Number)
			assert.NilError(t, err)
			d.wait(t, gated.Number, "pending_cutover")
			n := d.queuedBehind(t, "pr-int", gated.Number)

			// Not through a deploy request: the projection of the queue
			// cannot know of it.
			execAll(t, adminDB(t, e, "app", "main"), "ALTER TABLE users MODIFY email VARCHAR(255)")
			before := d.mainTable(t, "users")
			_, err = d.c.DeployRequests.ApplyDeploy(ctx(t), &ps.ApplyDeployRequestRequest{Organization: e.Org(), Database: "app", Number: gated.Number})
			assert.NilError(t, err)
			d.wait(t, gated.Number, "complete")
			d.failedAtHead(t, n, "conflict on users: ", "MODIFY COLUMN `email` int", "MODIFY COLUMN `email` varchar(255)")
			assert.Equal(t, d.mainTable(t, "users"), before, "production is untouched")
			assert.DeepEqual(t, d.tables(t, "main"), []string{"alpha", "users"})
		})
		t.Run("the deployment ahead was reverted", func(t *testing.T) {
			t.Parallel()
			e := emulatortest.Start(t, append(opts, emulatortest.WithTimings(emulator.Timings{RevertWindow: time.Hour}))...)
			d := drEnv{e: e, c: client(t, e)}
			execAll(t, adminDB(t, e, "app", "main"), "CREATE TABLE users (id BIGINT NOT NULL PRIMARY KEY, email VARCHAR(100))")
			d.branchWith(t, "pr-nick", "ALTER TABLE users ADD COLUMN nick VARCHAR(20)")
			nick := d.deployed(t, "pr-nick", "complete_pending_revert")
			// Forked once nick was on main; queued behind its revert window.
			d.branchWith(t, "pr-index", "ALTER TABLE users ADD INDEX idx_nick (nick)")
			n := d.queuedBehind(t, "pr-index", nick.Number)

			_, err := d.c.DeployRequests.RevertDeploy(ctx(t), &ps.RevertDeployRequestRequest{Organization: e.Org(), Database: "app", Number: nick.Number})
			assert.NilError(t, err)
			d.wait(t, nick.Number, "complete_revert")
			d.failedAtHead(t, n, "conflict on users: ", "ADD KEY `idx_nick` (`nick`)", "DROP COLUMN `nick`")
			users := d.mainTable(t, "users")
			assert.Assert(t, !strings.Contains(users, "nick"), "production is as the revert left it: %s", users)
		})
	})
}

// began returns when deploy request n of app last entered state, or the
// zero time.
func (d drEnv) began(t *testing.T, n uint64, state string) time.Time {
	t.Helper()
	var at time.Time
	for _, db := range d.e.State().Databases {
		if db.Name != "app" {
			continue
		}
		for _, tr := range db.DeployRequests[n-1].Transitions {
			if tr.State == state {
				at = tr.At
			}
		}
	}
	return at
}

// startedAfter checks that deploy request next started (submitting) once
// ahead had entered state, not before.
func (d drEnv) startedAfter(t *testing.T, next, ahead uint64, state string) {
	t.Helper()
	start, end := d.began(t, next, "submitting"), d.began(t, ahead, state)
	assert.Assert(t, !start.IsZero() && !end.IsZero(), "#%d submitting at %v, #%d %s at %v", next, start, ahead, state, end)
	assert.Assert(t, !start.Before(end), "#%d started at %v, before #%d ahead of it was %s at %v", next, start, ahead, state, end)
}

// TestCancellingTheDeploymentAheadLetsTheNextStart: cancelling the deployment holding the queue, or
// one ahead, lets the next start and complete; only what was not cancelled reaches main.
func TestCancellingTheDeploymentAheadLetsTheNextStart(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		cancel := func(t *testing.T, d drEnv, n uint64) {
			t.Helper()
			_, err := d.c.DeployRequests.CancelDeploy(ctx(t), &ps.CancelDeployRequestRequest{Organization: d.e.Org(), Database: "app", Number: n})
			assert.NilError(t, err)
			d.wait(t, n, "complete_cancel")
		}
		setup := func(t *testing.T) (drEnv, uint64) {
			t.Helper()
			e := emulatortest.Start(t, opts...)
			d := drEnv{e: e, c: client(t, e)}
			execAll(t, adminDB(t, e, "app", "main"), "CREATE TABLE users (id BIGINT NOT NULL PRIMARY KEY)")
			for _, name := range []string{"gated", "second", "third"} {
				d.branchWith(t, "pr-"+name, "CREATE TABLE t_"+name+" (id BIGINT NOT NULL PRIMARY KEY)")
			}
			gated := d.wait(t, d.open(t, "pr-gated", false).Number, "ready")
			_, err := d.deploy(t, gated.Number)
			assert.NilError(t, err)
			d.wait(t, gated.Number, "pending_cutover")
			return d, gated.Number
		}

		t.Run("the running one", func(t *testing.T) {
			t.Parallel()
			d, gated := setup(t)
			next := d.queuedBehind(t, "pr-second", gated)
			cancel(t, d, gated)
			d.wait(t, next, "complete")
			d.startedAfter(t, next, gated, "complete_cancel")
			assert.DeepEqual(t, d.e.DeployHistory("app", gated), history("pending_cutover", "in_progress_cancel", "complete_cancel"))
			assert.DeepEqual(t, d.tables(t, "main"), []string{"t_second", "users"})
		})
		t.Run("a queued one", func(t *testing.T) {
			t.Parallel()
			d, gated := setup(t)
			second := d.queuedBehind(t, "pr-second", gated)
			third := d.wait(t, d.open(t, "pr-third", true).Number, "ready")
			_, err := d.deploy(t, third.Number)
			assert.NilError(t, err)
			cancel(t, d, second)
			assert.DeepEqual(t, d.e.DeployHistory("app", second), []string{"pending", "ready", "queued", "in_progress_cancel", "complete_cancel"})
			left := d.get(t, third.Number)
			assert.Equal(t, left.DeploymentState, "queued", "the deployment holding the queue still holds it")
			assert.Assert(t, is.Len(left.Deployment.PrecedingDeployments, 1))
			assert.Equal(t, left.Deployment.PrecedingDeployments[0].DeployRequestNumber, gated)

			_, err = d.c.DeployRequests.ApplyDeploy(ctx(t), &ps.ApplyDeployRequestRequest{Organization: d.e.Org(), Database: "app", Number: gated})
			assert.NilError(t, err)
			d.wait(t, third.Number, "complete")
			d.startedAfter(t, third.Number, gated, "complete")
			assert.DeepEqual(t, d.tables(t, "main"), []string{"t_gated", "t_third", "users"})
		})
	})
}

// TestSkippingTheRevertLetsTheQueuedOneStart: a deploy in its revert window holds the queue until
// its revert is skipped; the one queued behind then starts and completes.
func TestSkippingTheRevertLetsTheQueuedOneStart(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, append(opts, emulatortest.WithTimings(emulator.Timings{RevertWindow: time.Hour}))...)
		d := drEnv{e: e, c: client(t, e)}
		execAll(t, adminDB(t, e, "app", "main"), "CREATE TABLE users (id BIGINT NOT NULL PRIMARY KEY)")
		d.branchWith(t, "pr-first", "CREATE TABLE first (id BIGINT NOT NULL PRIMARY KEY)")
		d.branchWith(t, "pr-second", "CREATE TABLE second (id BIGINT NOT NULL PRIMARY KEY)")
		first := d.deployed(t, "pr-first", "complete_pending_revert")
		second := d.queuedBehind(t, "pr-second", first.Number)
		assert.Equal(t, d.get(t, second).DeploymentState, "queued", "the revert window holds the queue")
		assert.DeepEqual(t, d.tables(t, "main"), []string{"first", "users"})

		_, err := d.c.DeployRequests.SkipRevertDeploy(ctx(t), &ps.SkipRevertDeployRequestRequest{Organization: e.Org(), Database: "app", Number: first.Number})
		assert.NilError(t, err)
		d.wait(t, first.Number, "complete")
		d.wait(t, second, "complete_pending_revert")
		d.startedAfter(t, second, first.Number, "complete")
		assert.DeepEqual(t, e.DeployHistory("app", first.Number), history("in_progress_cutover", "complete_pending_revert", "complete"))
		assert.DeepEqual(t, e.DeployHistory("app", second), history("in_progress_cutover", "complete_pending_revert"))
		assert.DeepEqual(t, d.tables(t, "main"), []string{"first", "second", "users"})
	})
}

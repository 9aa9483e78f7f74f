package emulator

import (
	"strings"
	"testing"
	"time"

	ps "github.com/planetscale/planetscale-go/planetscale"
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

// failedAtHead waits for deploy request n to end in complete_error at the
// head of the queue, without starting, with deploy_check_errors holding
// each of checks.
func (d drEnv) failedAtHead(t *testing.T, n uint64, checks ...string) {
	t.Helper()
	dr := d.wait(t, n, "complete_error")
	assert.Assert(t, !dr.Deployment.Deployable)
	h := d.e.DeployHistory("app", n)
	assert.DeepEqual(t, h[len(h)-2:], []string{"queued", "complete_error"})
	got := d.checkErrors(t, n)
	assert.Assert(t, containsAll(got, checks...), "%s", got)
}

// TestTheHeadOfTheQueueChecksTheTargetAgain checks that a deployment that
// was deployable when it was queued, and no longer applies onto main when
// it reaches the head of the queue, ends in complete_error with its
// deploy_check_errors and leaves main as it was.
func TestTheHeadOfTheQueueChecksTheTargetAgain(t *testing.T) {
	EachStorage(t, func(t *testing.T, opts ...Option) {
		t.Parallel()
		t.Run("the target changed through storage", func(t *testing.T) {
			t.Parallel()
			e := Start(t, opts...)
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
			e := Start(t, append(opts, WithTimings(Timings{RevertWindow: time.Hour}))...)
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
			d.failedAtHead(t, n, "conflict on ", "ADD KEY `idx_nick` (`nick`)", "DROP COLUMN `nick`")
			users := d.mainTable(t, "users")
			assert.Assert(t, !strings.Contains(users, "nick"), "production is as the revert left it: %s", users)
		})
	})
}

package emulator_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/poll"
)

// completeDeploy calls POST .../complete-deploy, which planetscale-go
// does not have, and returns the status and body.
func (d drEnv) completeDeploy(t *testing.T, n uint64) (int, string) {
	t.Helper()
	status, body := call(t, d.e, http.MethodPost, fmt.Sprintf("%s/deploy-requests/%d/complete-deploy", dbPath(d.e, "app"), n), nil)
	return status, string(body)
}

// deployQueue lists GET /deploy-queue as deploy request number and state.
func (d drEnv) deployQueue(t *testing.T) []string {
	t.Helper()
	status, body := call(t, d.e, http.MethodGet, dbPath(d.e, "app")+"/deploy-queue", nil)
	assert.Equal(t, status, http.StatusOK, string(body))
	var page struct {
		Data []ps.QueuedDeployment `json:"data"`
	}
	assert.NilError(t, json.Unmarshal(body, &page))
	out := []string{}
	for _, q := range page.Data {
		out = append(out, fmt.Sprintf("#%d %s", q.DeployRequestNumber, q.State))
	}
	return out
}

// preceding lists the preceding_deployments of deploy request n.
func (d drEnv) preceding(t *testing.T, n uint64) []string {
	t.Helper()
	out := []string{}
	for _, q := range d.get(t, n).Deployment.PrecedingDeployments {
		out = append(out, fmt.Sprintf("#%d %s", q.DeployRequestNumber, q.State))
	}
	return out
}

// stillQueued checks that deploy request n stays queued for a while.
func (d drEnv) stillQueued(t *testing.T, n uint64) {
	t.Helper()
	for deadline := time.Now().Add(300 * time.Millisecond); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		assert.Equal(t, d.get(t, n).DeploymentState, "queued", "deploy request #%d left a blocked queue", n)
	}
}

// queueTwoBehind queues the requests of pr-next and pr-last behind
// blocker, which holds the queue, and returns their numbers.
func (d drEnv) queueTwoBehind(t *testing.T, blocker uint64) (uint64, uint64) {
	t.Helper()
	next := d.queuedBehind(t, "pr-next", blocker)
	last := d.wait(t, d.open(t, "pr-last", true).Number, "ready").Number
	_, err := d.deploy(t, last)
	assert.NilError(t, err)
	return next, last
}

// settle waits until deploy request n has deployed, and skips its revert
// window if it has one.
func (d drEnv) settle(t *testing.T, n uint64) {
	t.Helper()
	poll.WaitOn(t, func(poll.LogT) poll.Result {
		switch s := d.get(t, n).DeploymentState; s {
		case "complete":
			return poll.Success()
		case "complete_pending_revert":
			_, err := d.c.DeployRequests.SkipRevertDeploy(ctx(t), &ps.SkipRevertDeployRequestRequest{Organization: d.e.Org(), Database: "app", Number: n})
			assert.NilError(t, err)
			return poll.Continue("skipped the revert window of #%d", n)
		default:
			return poll.Continue("#%d is %s", n, s)
		}
	}, poll.WithDelay(20*time.Millisecond), poll.WithTimeout(20*time.Second))
}

// unblocks checks that a failed deploy request blocks the queue, named by those behind, until
// complete-deploy, and that they then deploy in order.
func (d drEnv) unblocks(t *testing.T, failed, next, last uint64, state string) {
	t.Helper()
	d.stillQueued(t, next)
	assert.DeepEqual(t, d.preceding(t, next), []string{fmt.Sprintf("#%d %s", failed, state)})
	assert.DeepEqual(t, d.preceding(t, last), []string{fmt.Sprintf("#%d %s", failed, state), fmt.Sprintf("#%d queued", next)})
	assert.DeepEqual(t, d.deployQueue(t), []string{fmt.Sprintf("#%d %s", failed, state), fmt.Sprintf("#%d queued", next), fmt.Sprintf("#%d queued", last)})

	status, body := d.completeDeploy(t, next)
	assert.Equal(t, status, http.StatusUnprocessableEntity, body)
	assert.Assert(t, is.Contains(body, "only a deploy in complete_error or complete_revert_error"))

	status, body = d.completeDeploy(t, failed)
	assert.Equal(t, status, http.StatusOK, body)
	assert.Assert(t, is.Contains(body, `"deployment_state":"`+state+`"`), "the failure stays visible: %s", body)
	d.settle(t, next)
	d.settle(t, last)
	status, body = d.completeDeploy(t, failed)
	assert.Equal(t, status, http.StatusOK, "a second call answers as the first: %s", body)
	assert.DeepEqual(t, d.deployQueue(t), []string{})
	assert.Assert(t, is.Contains(strings.Join(d.tables(t, "main"), " "), "last_t"))
	assert.Assert(t, is.Contains(strings.Join(d.tables(t, "main"), " "), "next_t"))
}

// TestAFailedDeployBlocksTheQueue: complete_error or complete_revert_error blocks main's queue,
// listed by those behind, until complete_errored_deploy (planetscale/cli pull request 1351).
func TestAFailedDeployBlocksTheQueue(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		t.Run("complete_error", func(t *testing.T) {
			t.Parallel()
			e := emulatortest.Start(t, opts...)
			d := drEnv{e: e, c: client(t, e)}
			main := adminDB(t, e, "app", "main")
			execAll(t, main, "CREATE TABLE codes (id BIGINT NOT NULL, code VARCHAR(10), PRIMARY KEY (id))")
			d.branchWith(t, "unique-codes", "ALTER TABLE codes ADD UNIQUE KEY code (code)")
			d.branchWith(t, "pr-next", "CREATE TABLE next_t (id BIGINT NOT NULL PRIMARY KEY)")
			d.branchWith(t, "pr-last", "CREATE TABLE last_t (id BIGINT NOT NULL PRIMARY KEY)")
			execAll(t, main, "INSERT INTO codes VALUES (1, 'x'), (2, 'x')")

			failing := d.wait(t, d.open(t, "unique-codes", false).Number, "ready").Number
			_, err := d.deploy(t, failing)
			assert.NilError(t, err)
			d.wait(t, failing, "pending_cutover")
			next, last := d.queueTwoBehind(t, failing)
			_, err = d.c.DeployRequests.ApplyDeploy(ctx(t), &ps.ApplyDeployRequestRequest{Organization: e.Org(), Database: "app", Number: failing})
			assert.NilError(t, err)
			d.wait(t, failing, "complete_error")
			d.unblocks(t, failing, next, last, "complete_error")
			assert.Assert(t, !strings.Contains(d.mainTable(t, "codes"), "UNIQUE"))
		})
		t.Run("complete_revert_error", func(t *testing.T) {
			t.Parallel()
			e := emulatortest.Start(t, append(opts, emulatortest.WithTimings(emulator.Timings{RevertWindow: time.Hour}))...)
			d := drEnv{e: e, c: client(t, e)}
			main := adminDB(t, e, "app", "main")
			execAll(t, main, "CREATE TABLE codes (id BIGINT NOT NULL, code VARCHAR(10), PRIMARY KEY (id), UNIQUE KEY code (code))")
			d.branchWith(t, "loose-codes", "ALTER TABLE codes DROP KEY code")
			d.branchWith(t, "pr-next", "CREATE TABLE next_t (id BIGINT NOT NULL PRIMARY KEY)")
			d.branchWith(t, "pr-last", "CREATE TABLE last_t (id BIGINT NOT NULL PRIMARY KEY)")

			loose := d.wait(t, d.open(t, "loose-codes", true).Number, "ready").Number
			_, err := d.deploy(t, loose)
			assert.NilError(t, err)
			d.wait(t, loose, "complete_pending_revert")
			next, last := d.queueTwoBehind(t, loose)
			// Rows the unique key cannot take back make the revert fail.
			execAll(t, main, "INSERT INTO codes VALUES (1, 'x'), (2, 'x')")
			_, err = d.c.DeployRequests.RevertDeploy(ctx(t), &ps.RevertDeployRequestRequest{Organization: e.Org(), Database: "app", Number: loose})
			assert.NilError(t, err)
			d.wait(t, loose, "complete_revert_error")
			d.unblocks(t, loose, next, last, "complete_revert_error")
		})
	})
}

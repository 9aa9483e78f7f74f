package emulator_test

import (
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

// drEnv is an emulator with a client for deploy request tests.
type drEnv struct {
	e *emulator.Emulator
	c *ps.Client
}

// branchWith creates a branch off main and runs DDL on it.
func (d drEnv) branchWith(t *testing.T, name string, ddl ...string) {
	t.Helper()
	createTestBranch(t, d.c, d.e, ps.CreateDatabaseBranchRequest{Database: "app", Name: name})
	execAll(t, adminDB(t, d.e, "app", name), ddl...)
}

// open creates a deploy request from branch into main.
func (d drEnv) open(t *testing.T, branch string, autoCutover bool) *ps.DeployRequest {
	t.Helper()
	earlier := d.requestCount()
	dr, err := d.c.DeployRequests.Create(ctx(t), &ps.CreateDeployRequestRequest{
		Organization: d.e.Org(), Database: "app", Branch: branch, Notes: "notes for " + branch, AutoCutover: autoCutover,
	})
	assert.NilError(t, err)
	if !autoCutover && earlier > 0 {
		// planetscale-go leaves a false auto_cutover out, and the request
		// inherits the previous one's: turn it off, as a client must.
		dr, err = d.c.DeployRequests.AutoApplyDeploy(ctx(t), &ps.AutoApplyDeployRequestRequest{
			Organization: d.e.Org(), Database: "app", Number: dr.Number, Enable: false,
		})
		assert.NilError(t, err)
	}
	return dr
}

// requestCount is the number of deploy requests of app.
func (d drEnv) requestCount() int {
	for _, db := range d.e.State().Databases {
		if db.Name == "app" {
			return len(db.DeployRequests)
		}
	}
	return 0
}

// get fetches a deploy request.
func (d drEnv) get(t *testing.T, number uint64) *ps.DeployRequest {
	t.Helper()
	dr, err := d.c.DeployRequests.Get(ctx(t), &ps.GetDeployRequestRequest{Organization: d.e.Org(), Database: "app", Number: number})
	assert.NilError(t, err)
	return dr
}

// wait polls a deploy request until its deployment state is want.
func (d drEnv) wait(t *testing.T, number uint64, want string) *ps.DeployRequest {
	t.Helper()
	var dr *ps.DeployRequest
	poll.WaitOn(t, func(poll.LogT) poll.Result {
		dr = d.get(t, number)
		if dr.DeploymentState != want {
			return poll.Continue("deployment state %s, want %s", dr.DeploymentState, want)
		}
		return poll.Success()
	}, poll.WithDelay(10*time.Millisecond), poll.WithTimeout(20*time.Second))
	assert.Equal(t, dr.Deployment.State, want)
	return dr
}

// deploy queues a deploy request.
func (d drEnv) deploy(t *testing.T, number uint64) (*ps.DeployRequest, error) {
	t.Helper()
	return d.c.DeployRequests.Deploy(ctx(t), &ps.PerformDeployRequest{Organization: d.e.Org(), Database: "app", Number: number})
}

// mainTable returns the CREATE statement of a table on main, or "".
func (d drEnv) mainTable(t *testing.T, name string) string {
	t.Helper()
	files, err := d.c.DatabaseBranches.Schema(ctx(t), &ps.BranchSchemaRequest{Organization: d.e.Org(), Database: "app", Branch: "main"})
	assert.NilError(t, err)
	for _, f := range files {
		if f.Name == name {
			return f.Raw
		}
	}
	return ""
}

var deployedStates = []string{"pending", "ready", "queued", "submitting", "in_progress"}

func history(states ...string) []string {
	return append(append([]string{}, deployedStates...), states...)
}

func TestDeployRequests(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, append(opts, emulatortest.WithTimings(emulator.Timings{RevertWindow: time.Hour}), emulatortest.WithRateLimit(0))...)
		d := drEnv{e: e, c: client(t, e)}
		org := e.Org()

		t.Run("no changes", func(t *testing.T) {
			createTestBranch(t, d.c, e, ps.CreateDatabaseBranchRequest{Database: "app", Name: "same"})
			dr := d.open(t, "same", true)
			assert.Equal(t, dr.Number, uint64(1))
			assert.Equal(t, dr.State, "open")
			d.wait(t, 1, "no_changes")
			_, err := d.deploy(t, 1)
			assert.ErrorContains(t, err, "no changes")
			assert.DeepEqual(t, e.DeployHistory("app", 1), []string{"pending", "no_changes"})
			assert.Equal(t, e.DeployCalls("app", 1), 1)
		})

		t.Run("deploy with auto cutover, then skip revert", func(t *testing.T) {
			d.branchWith(t, "add-users", "CREATE TABLE users (id BIGINT NOT NULL, email VARCHAR(255), PRIMARY KEY (id))")
			dr := d.open(t, "add-users", true)
			assert.Equal(t, dr.IntoBranch, "main")
			assert.Equal(t, dr.Notes, "notes for add-users")
			assert.Equal(t, dr.HtmlURL, "https://app.planetscale.com/"+org+"/app/deploy-requests/2")
			ready := d.wait(t, 2, "ready")
			assert.Assert(t, ready.Deployment.Deployable)

			diff, err := d.c.DeployRequests.Diff(ctx(t), &ps.DiffRequest{Organization: org, Database: "app", Number: 2})
			assert.NilError(t, err)
			assert.Equal(t, len(diff), 1)
			assert.Equal(t, diff[0].Name, "users")
			for _, line := range strings.Split(diff[0].Raw, "\n") {
				assert.Assert(t, strings.HasPrefix(line, "+"), "line %q", line)
			}
			assert.Assert(t, is.Contains(diff[0].Raw, "+CREATE TABLE `users`"))

			queued, err := d.deploy(t, 2)
			assert.NilError(t, err)
			assert.Equal(t, queued.DeploymentState, "queued")
			deployed := d.wait(t, 2, "complete_pending_revert")
			assert.Equal(t, deployed.State, "closed")
			assert.Assert(t, deployed.DeployedAt != nil)
			assert.Assert(t, is.Contains(d.mainTable(t, "users"), "`email`"))

			_, err = d.deploy(t, 2)
			assert.Assert(t, err != nil, "deployed twice")
			assert.Equal(t, e.DeployCalls("app", 2), 2)

			_, err = d.c.DeployRequests.SkipRevertDeploy(ctx(t), &ps.SkipRevertDeployRequestRequest{Organization: org, Database: "app", Number: 2})
			assert.NilError(t, err)
			d.wait(t, 2, "complete")
			assert.DeepEqual(t, e.DeployHistory("app", 2), history("in_progress_cutover", "complete_pending_revert", "complete"))
		})

		t.Run("gated deploy waits for apply-deploy", func(t *testing.T) {
			d.branchWith(t, "add-column", "ALTER TABLE users ADD COLUMN name VARCHAR(100)")
			d.open(t, "add-column", false)
			d.wait(t, 3, "ready")
			ops, err := d.c.DeployRequests.GetDeployOperations(ctx(t), &ps.GetDeployOperationsRequest{Organization: org, Database: "app", Number: 3})
			assert.NilError(t, err)
			assert.Equal(t, len(ops), 1)
			assert.Equal(t, ops[0].Table, "users")
			status, body := call(t, e, http.MethodGet, dbPath(e, "app")+"/deploy-requests/3/operations", nil)
			assert.Equal(t, status, http.StatusOK)
			assert.Assert(t, containsAll(string(body), `"ddl_statement":"ALTER TABLE`, `"can_drop_data":false`, `"operation_name":`), string(body))

			_, err = d.deploy(t, 3)
			assert.NilError(t, err)
			d.wait(t, 3, "pending_cutover")
			assert.Assert(t, !strings.Contains(d.mainTable(t, "users"), "`name`"), "applied before apply-deploy")
			_, err = d.c.DeployRequests.ApplyDeploy(ctx(t), &ps.ApplyDeployRequestRequest{Organization: org, Database: "app", Number: 3})
			assert.NilError(t, err)
			d.wait(t, 3, "complete_pending_revert")
			assert.Assert(t, is.Contains(d.mainTable(t, "users"), "`name`"))
			assert.DeepEqual(t, e.DeployHistory("app", 3), history("pending_cutover", "in_progress_cutover", "complete_pending_revert"))
		})

		t.Run("revert restores the schema", func(t *testing.T) {
			_, err := d.c.DeployRequests.RevertDeploy(ctx(t), &ps.RevertDeployRequestRequest{Organization: org, Database: "app", Number: 3})
			assert.NilError(t, err)
			d.wait(t, 3, "complete_revert")
			assert.Assert(t, d.mainTable(t, "users") != "")
			assert.Assert(t, !strings.Contains(d.mainTable(t, "users"), "`name`"), "column still there after revert")
			assert.DeepEqual(t, e.DeployHistory("app", 3),
				history("pending_cutover", "in_progress_cutover", "complete_pending_revert", "in_progress_revert", "complete_revert"))
		})

		t.Run("cancel", func(t *testing.T) {
			d.branchWith(t, "add-orders", "CREATE TABLE orders (id BIGINT NOT NULL, PRIMARY KEY (id))")
			d.open(t, "add-orders", false)
			d.wait(t, 4, "ready")
			_, err := d.deploy(t, 4)
			assert.NilError(t, err)
			d.wait(t, 4, "pending_cutover")
			_, err = d.c.DeployRequests.CancelDeploy(ctx(t), &ps.CancelDeployRequestRequest{Organization: org, Database: "app", Number: 4})
			assert.NilError(t, err)
			canceled := d.wait(t, 4, "complete_cancel")
			assert.Equal(t, canceled.State, "open")
			assert.Equal(t, d.mainTable(t, "orders"), "")
			assert.DeepEqual(t, e.DeployHistory("app", 4), history("pending_cutover", "in_progress_cancel", "complete_cancel"))
			_, err = d.c.DeployRequests.CancelDeploy(ctx(t), &ps.CancelDeployRequestRequest{Organization: org, Database: "app", Number: 4})
			assert.ErrorContains(t, err, "cannot cancel")
		})

		t.Run("one open deploy request per branch pair, then close", func(t *testing.T) {
			status, body := call(t, e, http.MethodPost, dbPath(e, "app")+"/deploy-requests", map[string]string{"branch": "add-orders", "into_branch": "main"})
			assert.Equal(t, status, http.StatusUnprocessableEntity, string(body))
			assert.Assert(t, is.Contains(apiErr(t, body).Message, "#4"))

			closed, err := d.c.DeployRequests.CloseDeploy(ctx(t), &ps.CloseDeployRequestRequest{Organization: org, Database: "app", Number: 4})
			assert.NilError(t, err)
			assert.Equal(t, closed.State, "closed")
			assert.Assert(t, closed.ClosedAt != nil)
			_, err = d.c.DeployRequests.CloseDeploy(ctx(t), &ps.CloseDeployRequestRequest{Organization: org, Database: "app", Number: 4})
			assert.ErrorContains(t, err, "already closed")

			again := d.open(t, "add-orders", true)
			assert.Equal(t, again.Number, uint64(5))
			d.wait(t, 5, "ready")
			closed, err = d.c.DeployRequests.CloseDeploy(ctx(t), &ps.CloseDeployRequestRequest{Organization: org, Database: "app", Number: 5})
			assert.NilError(t, err)
			_, err = d.deploy(t, 5)
			assert.ErrorContains(t, err, "closed")
		})

		t.Run("rejected DDL ends in complete_error", func(t *testing.T) {
			main := adminDB(t, e, "app", "main")
			execAll(t, main, "CREATE TABLE codes (id BIGINT NOT NULL, code VARCHAR(10), PRIMARY KEY (id))")
			d.branchWith(t, "unique-codes", "ALTER TABLE codes ADD UNIQUE KEY code (code)")
			execAll(t, main, "INSERT INTO codes VALUES (1, 'x'), (2, 'x')")
			d.open(t, "unique-codes", true)
			d.wait(t, 6, "ready")
			_, err := d.deploy(t, 6)
			assert.NilError(t, err)
			failed := d.wait(t, 6, "complete_error")
			assert.Equal(t, failed.State, "open")
			assert.Assert(t, !strings.Contains(d.mainTable(t, "codes"), "UNIQUE"))
			assert.DeepEqual(t, e.DeployHistory("app", 6), history("in_progress_cutover", "complete_error"))
			status, body := call(t, e, http.MethodGet, dbPath(e, "app")+"/deploy-requests/6/deployment", nil)
			assert.Equal(t, status, http.StatusOK)
			assert.Assert(t, is.Contains(string(body), "ALTER TABLE"))
		})

		t.Run("list filters", func(t *testing.T) {
			list := func(req ps.ListDeployRequestsRequest) []uint64 {
				req.Organization, req.Database = org, "app"
				drs, err := d.c.DeployRequests.List(ctx(t), &req)
				assert.NilError(t, err)
				nums := []uint64{}
				for _, dr := range drs {
					nums = append(nums, dr.Number)
				}
				return nums
			}
			assert.DeepEqual(t, list(ps.ListDeployRequestsRequest{}), []uint64{6, 5, 4, 3, 2, 1})
			assert.DeepEqual(t, list(ps.ListDeployRequestsRequest{State: "open"}), []uint64{6, 1})
			assert.DeepEqual(t, list(ps.ListDeployRequestsRequest{State: "closed"}), []uint64{5, 4, 3, 2})
			assert.DeepEqual(t, list(ps.ListDeployRequestsRequest{State: "deployed"}), []uint64{3, 2})
			assert.DeepEqual(t, list(ps.ListDeployRequestsRequest{Branch: "add-orders"}), []uint64{5, 4})
			assert.DeepEqual(t, list(ps.ListDeployRequestsRequest{Branch: "unique-codes"}), []uint64{6})
			assert.DeepEqual(t, list(ps.ListDeployRequestsRequest{IntoBranch: "main", Branch: "same"}), []uint64{1})
			assert.DeepEqual(t, list(ps.ListDeployRequestsRequest{IntoBranch: "other"}), []uint64{})
		})

		t.Run("deploy only from ready", func(t *testing.T) {
			_, err := d.deploy(t, 6)
			assert.ErrorContains(t, err, "complete_error")
			_, err = d.c.DeployRequests.ApplyDeploy(ctx(t), &ps.ApplyDeployRequestRequest{Organization: org, Database: "app", Number: 6})
			assert.ErrorContains(t, err, "cannot apply")
		})
	})
}

func TestDeployCompletesAfterRevertWindow(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, append(opts, emulatortest.WithProfile(emulator.ProfileFast))...)
		d := drEnv{e: e, c: client(t, e)}
		d.branchWith(t, "feature", "CREATE TABLE events (id BIGINT NOT NULL, PRIMARY KEY (id))")
		dr, err := d.c.DeployRequests.Create(ctx(t), &ps.CreateDeployRequestRequest{
			Organization: e.Org(), Database: "app", Branch: "feature", IntoBranch: "main", AutoCutover: true, AutoDeleteBranch: true,
		})
		assert.NilError(t, err)
		assert.Equal(t, dr.DeploymentState, "pending")
		_, err = d.deploy(t, dr.Number)
		assert.ErrorContains(t, err, "currently validating")
		d.wait(t, dr.Number, "ready")
		_, err = d.deploy(t, dr.Number)
		assert.NilError(t, err)
		d.wait(t, dr.Number, "complete_pending_revert")
		d.wait(t, dr.Number, "complete")
		assert.DeepEqual(t, e.DeployHistory("app", dr.Number), history("in_progress_cutover", "complete_pending_revert", "complete"))
		assert.Assert(t, d.mainTable(t, "events") != "")

		_, ok := e.BranchDatabase("app", "feature")
		assert.Assert(t, !ok, "auto_delete_branch left the branch")
		got := d.get(t, dr.Number)
		assert.Assert(t, got.BranchDeletedBy != nil)
	})
}

func TestDeployRequestFollowsItsBranch(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, opts...)
		d := drEnv{e: e, c: client(t, e)}
		createTestBranch(t, d.c, e, ps.CreateDatabaseBranchRequest{Database: "app", Name: "later"})
		dr := d.open(t, "later", true)
		d.wait(t, dr.Number, "no_changes")

		branch := adminDB(t, e, "app", "later")
		execAll(t, branch, "CREATE TABLE a (id BIGINT NOT NULL, PRIMARY KEY (id))")
		d.wait(t, dr.Number, "ready")
		execAll(t, branch, "CREATE TABLE b (id BIGINT NOT NULL, PRIMARY KEY (id))")
		diff, err := d.c.DeployRequests.Diff(ctx(t), &ps.DiffRequest{Organization: e.Org(), Database: "app", Number: dr.Number})
		assert.NilError(t, err)
		assert.Equal(t, len(diff), 2)

		_, err = d.deploy(t, dr.Number)
		assert.NilError(t, err)
		d.wait(t, dr.Number, "complete")
		assert.Assert(t, d.mainTable(t, "a") != "" && d.mainTable(t, "b") != "")
		assert.DeepEqual(t, e.DeployHistory("app", dr.Number),
			[]string{"pending", "no_changes", "ready", "queued", "submitting", "in_progress", "in_progress_cutover", "complete_pending_revert", "complete"})
	})
}

package emulator_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
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

// The tests of this file run PlanetScale's deploy model over time through
// planetscale-go: several branches forked from one main, deployed in
// either order, through one queue, reverted, with conflicts, lint errors,
// approvals and safe migrations. Each asserts the end state of main.

// tables lists the tables of a branch.
func (d drEnv) tables(t *testing.T, branch string) []string {
	t.Helper()
	return tableNames(t, d.c, d.e, "app", branch)
}

// rows returns every row of query on a branch, one string per row.
func (d drEnv) rows(t *testing.T, branch, query string) []string {
	t.Helper()
	rows, err := adminDB(t, d.e, "app", branch).QueryContext(ctx(t), query)
	assert.NilError(t, err)
	defer rows.Close()
	cols, err := rows.Columns()
	assert.NilError(t, err)
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		assert.NilError(t, rows.Scan(ptrs...))
		parts := make([]string, len(vals))
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			parts[i] = fmt.Sprint(v)
		}
		out = append(out, strings.Join(parts, "|"))
	}
	assert.NilError(t, rows.Err())
	return out
}

// deployed opens a deploy request for branch, deploys it and waits for
// want.
func (d drEnv) deployed(t *testing.T, branch, want string) *ps.DeployRequest {
	t.Helper()
	dr := d.open(t, branch, true)
	d.wait(t, dr.Number, "ready")
	_, err := d.deploy(t, dr.Number)
	assert.NilError(t, err)
	return d.wait(t, dr.Number, want)
}

// statementsOf lists the DDL a deploy request runs, as its operations'
// ddl_statement show it.
func (d drEnv) statementsOf(t *testing.T, number uint64) []string {
	t.Helper()
	var out []string
	for _, op := range listData[struct {
		DDL string `json:"ddl_statement"`
	}](t, d.e, dbPath(d.e, "app")+fmt.Sprintf("/deploy-requests/%d/operations", number)) {
		out = append(out, op.DDL)
	}
	return out
}

// listData GETs a list endpoint and decodes its data.
func listData[T any](t *testing.T, e *emulator.Emulator, path string) []T {
	t.Helper()
	status, body := call(t, e, "GET", path, nil)
	assert.Equal(t, status, http.StatusOK, string(body))
	var list struct {
		Data []T `json:"data"`
	}
	assert.NilError(t, json.Unmarshal(body, &list))
	return list.Data
}

// checkErrors reads a deployment's deploy_check_errors, "" when null
// (planetscale-go does not decode it).
func (d drEnv) checkErrors(t *testing.T, number uint64) string {
	t.Helper()
	status, body := call(t, d.e, "GET", dbPath(d.e, "app")+fmt.Sprintf("/deploy-requests/%d/deployment", number), nil)
	assert.Equal(t, status, http.StatusOK, string(body))
	var view struct {
		DeployCheckErrors *string `json:"deploy_check_errors"`
	}
	assert.NilError(t, json.Unmarshal(body, &view))
	if view.DeployCheckErrors == nil {
		return ""
	}
	return *view.DeployCheckErrors
}

// waitListed polls the deploy request list until the one open request of branch satisfies ok,
// and returns it: what a client reading only lists sees.
func (d drEnv) waitListed(t *testing.T, branch, want string, ok func(*ps.DeployRequest) bool) *ps.DeployRequest {
	t.Helper()
	var dr *ps.DeployRequest
	poll.WaitOn(t, func(poll.LogT) poll.Result {
		list, err := d.c.DeployRequests.List(ctx(t), &ps.ListDeployRequestsRequest{Organization: d.e.Org(), Database: "app", Branch: branch, State: "open"})
		assert.NilError(t, err)
		assert.Assert(t, is.Len(list, 1))
		if dr = list[0]; !ok(dr) {
			return poll.Continue("#%d is %s, deployable %v; want %s", dr.Number, dr.DeploymentState, dr.Deployment.Deployable, want)
		}
		return poll.Success()
	}, poll.WithDelay(20*time.Millisecond), poll.WithTimeout(10*time.Second))
	return dr
}

// withReviewer adds the service token of another administrator, the one
// reviewer acts as.
func withReviewer() emulatortest.Option {
	return emulatortest.WithExtraToken("reviewer", "reviewer-secret")
}

// reviewer is a client of the token withReviewer adds.
func (d drEnv) reviewer(t *testing.T) *ps.Client {
	t.Helper()
	c, err := ps.NewClient(ps.WithBaseURL(d.e.URL()), ps.WithServiceToken("reviewer", "reviewer-secret"))
	assert.NilError(t, err)
	return c
}

// approve approves deploy request n with the token of c.
func (d drEnv) approve(t *testing.T, c *ps.Client, n uint64) error {
	t.Helper()
	_, err := c.DeployRequests.CreateReview(ctx(t), &ps.ReviewDeployRequestRequest{
		Organization: d.e.Org(), Database: "app", Number: n, ReviewAction: ps.ReviewApprove,
	})
	return err
}

// collidingBranches gives main a table users and makes two branches that
// change its column email two ways: pr-wide to varchar(255), pr-int to int.
func (d drEnv) collidingBranches(t *testing.T) {
	t.Helper()
	execAll(t, adminDB(t, d.e, "app", "main"), "CREATE TABLE users (id BIGINT NOT NULL PRIMARY KEY, email VARCHAR(100))")
	d.branchWith(t, "pr-wide", "ALTER TABLE users MODIFY email VARCHAR(255)")
	d.branchWith(t, "pr-int", "ALTER TABLE users MODIFY email INT")
}

func TestTwoBranchesDeployInEitherOrder(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		for _, order := range [][]string{{"pr-a", "pr-b"}, {"pr-b", "pr-a"}} {
			t.Run(strings.Join(order, "-then-"), func(t *testing.T) {
				e := emulatortest.Start(t, opts...)
				d := drEnv{e: e, c: client(t, e)}
				execAll(t, adminDB(t, e, "app", "main"), "CREATE TABLE users (id BIGINT NOT NULL PRIMARY KEY)")
				d.branchWith(t, "pr-a", "CREATE TABLE alpha (id BIGINT NOT NULL PRIMARY KEY)")
				d.branchWith(t, "pr-b", "CREATE TABLE beta (id BIGINT NOT NULL PRIMARY KEY)")
				first := d.deployed(t, order[0], "complete")
				second := d.deployed(t, order[1], "complete")
				assert.DeepEqual(t, d.tables(t, "main"), []string{"alpha", "beta", "users"})
				for _, dr := range []*ps.DeployRequest{first, second} {
					stmts := d.statementsOf(t, dr.Number)
					assert.Assert(t, is.Len(stmts, 1))
					assert.Assert(t, strings.HasPrefix(stmts[0], "CREATE TABLE"), "%s deployed %q", dr.Branch, stmts)
				}
			})
		}
	})
}

func TestColumnsAddedByTwoBranchesKeepTheirRows(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, opts...)
		d := drEnv{e: e, c: client(t, e)}
		main := adminDB(t, e, "app", "main")
		execAll(t, main,
			"CREATE TABLE invoices (id BIGINT NOT NULL PRIMARY KEY, amount INT NOT NULL)",
			"INSERT INTO invoices VALUES (1, 100), (2, 200)")
		d.branchWith(t, "pr-due", "ALTER TABLE invoices ADD COLUMN due_date DATE")
		d.branchWith(t, "pr-currency", "ALTER TABLE invoices ADD COLUMN currency CHAR(3)")
		d.deployed(t, "pr-due", "complete")
		execAll(t, main, "UPDATE invoices SET due_date = '2026-12-24' WHERE id = 1")

		dr := d.deployed(t, "pr-currency", "complete")
		stmts := d.statementsOf(t, dr.Number)
		assert.Assert(t, is.Len(stmts, 1))
		assert.Assert(t, is.Contains(stmts[0], "ADD COLUMN `currency`"))
		assert.Assert(t, !strings.Contains(stmts[0], "due_date"), "%s", stmts[0])
		assert.DeepEqual(t, d.rows(t, "main", "SELECT id, amount, due_date, currency FROM invoices ORDER BY id"),
			[]string{"1|100|2026-12-24|<nil>", "2|200|<nil>|<nil>"})

		diff, err := d.c.DeployRequests.Diff(ctx(t), &ps.DiffRequest{Organization: e.Org(), Database: "app", Number: dr.Number})
		assert.NilError(t, err)
		assert.Assert(t, is.Len(diff, 1))
		assert.Assert(t, is.Contains(diff[0].Raw, "+  `currency`"))
		assert.Assert(t, !strings.Contains(diff[0].Raw, "due_date"), "the diff shows the branch's own change only:\n%s", diff[0].Raw)
	})
}

// TestBranchDiffShowsOnlyTheBranchsChanges: after another branch deployed, the branch diff and its
// deploy request show only its changes since its fork point; the deploy keeps both tables.
func TestBranchDiffShowsOnlyTheBranchsChanges(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, opts...)
		d := drEnv{e: e, c: client(t, e)}
		execAll(t, adminDB(t, e, "app", "main"), "CREATE TABLE users (id BIGINT NOT NULL PRIMARY KEY)")
		d.branchWith(t, "pr-a", "CREATE TABLE alpha (id BIGINT NOT NULL PRIMARY KEY)")
		d.branchWith(t, "pr-b", "CREATE TABLE beta (id BIGINT NOT NULL PRIMARY KEY)")
		d.deployed(t, "pr-a", "complete")
		assert.DeepEqual(t, d.tables(t, "main"), []string{"alpha", "users"})
		// pr-b was forked before alpha was deployed: a diff against main now would drop alpha.
		assert.DeepEqual(t, d.tables(t, "pr-b"), []string{"beta", "users"})

		onlyBeta := func(files []*ps.Diff) {
			t.Helper()
			assert.Assert(t, is.Len(files, 1))
			assert.Equal(t, files[0].Name, "beta")
			assert.Assert(t, is.Contains(files[0].Raw, "+CREATE TABLE `beta`"))
			for _, line := range strings.Split(files[0].Raw, "\n") {
				assert.Assert(t, strings.HasPrefix(line, "+"), "only added lines: %q", line)
			}
		}
		diff, err := d.c.DatabaseBranches.Diff(ctx(t), &ps.DiffBranchRequest{Organization: e.Org(), Database: "app", Branch: "pr-b"})
		assert.NilError(t, err)
		onlyBeta(diff)

		dr := d.wait(t, d.open(t, "pr-b", true).Number, "ready")
		drDiff, err := d.c.DeployRequests.Diff(ctx(t), &ps.DiffRequest{Organization: e.Org(), Database: "app", Number: dr.Number})
		assert.NilError(t, err)
		onlyBeta(drDiff)
		_, err = d.deploy(t, dr.Number)
		assert.NilError(t, err)
		d.wait(t, dr.Number, "complete")
		assert.DeepEqual(t, d.tables(t, "main"), []string{"alpha", "beta", "users"})
	})
}

func TestConflictingChangesAreNotDeployable(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, opts...)
		d := drEnv{e: e, c: client(t, e)}
		d.collidingBranches(t)
		d.deployed(t, "pr-wide", "complete")
		before := d.mainTable(t, "users")

		dr := d.open(t, "pr-int", true)
		dr = d.wait(t, dr.Number, "error")
		assert.Assert(t, !dr.Deployment.Deployable)
		checks := d.checkErrors(t, dr.Number)
		assert.Assert(t, containsAll(checks, "conflict on users", "`email` int", "varchar(255)"), "%s", checks)

		_, err := d.deploy(t, dr.Number)
		assert.ErrorContains(t, err, "not deployable")
		assert.Equal(t, d.mainTable(t, "users"), before, "production is untouched")
	})
}

func TestDeploysRunOneAtATimeInDeployOrder(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, append(opts, emulatortest.WithTimings(emulator.Timings{InProgress: 300 * time.Millisecond}))...)
		d := drEnv{e: e, c: client(t, e)}
		names := []string{"pr-1", "pr-2", "pr-3"}
		var numbers []uint64
		for _, name := range names {
			d.branchWith(t, name, fmt.Sprintf("CREATE TABLE t_%s (id BIGINT NOT NULL PRIMARY KEY)", strings.ReplaceAll(name, "-", "_")))
			dr := d.open(t, name, true)
			d.wait(t, dr.Number, "ready")
			numbers = append(numbers, dr.Number)
		}
		// Deploy in the order 3, 1, 2.
		order := []uint64{numbers[2], numbers[0], numbers[1]}
		for _, n := range order {
			_, err := d.deploy(t, n)
			assert.NilError(t, err)
		}
		last := d.get(t, order[2])
		var ahead []uint64
		for _, p := range last.Deployment.PrecedingDeployments {
			ahead = append(ahead, p.DeployRequestNumber)
		}
		assert.DeepEqual(t, ahead, order[:2])

		var listed []uint64
		for _, q := range listData[struct {
			Number uint64 `json:"deploy_request_number"`
		}](t, e, dbPath(e, "app")+"/deploy-queue") {
			listed = append(listed, q.Number)
		}
		assert.DeepEqual(t, listed, order)

		for _, n := range order {
			d.wait(t, n, "complete")
		}
		// Each deployment starts after the one before it has finished.
		for i := 1; i < len(order); i++ {
			d.startedAfter(t, order[i], order[i-1], "complete")
		}
		assert.DeepEqual(t, d.tables(t, "main"), []string{"t_pr_1", "t_pr_2", "t_pr_3"})
	})
}

func TestRevertUndoesOneDeployAndKeepsRows(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, append(opts, emulatortest.WithTimings(emulator.Timings{RevertWindow: time.Hour}))...)
		d := drEnv{e: e, c: client(t, e)}
		main := adminDB(t, e, "app", "main")
		execAll(t, main,
			"CREATE TABLE notes (id BIGINT NOT NULL PRIMARY KEY, body VARCHAR(50), flag INT)",
			"INSERT INTO notes VALUES (1, 'one', 1), (2, 'two', 2)")
		d.branchWith(t, "pr-drop", "ALTER TABLE notes DROP COLUMN body")
		d.branchWith(t, "pr-beta", "CREATE TABLE beta (id BIGINT NOT NULL PRIMARY KEY)")
		first := d.deployed(t, "pr-drop", "complete_pending_revert")

		// The revert window holds the queue: the second deploy waits.
		second := d.open(t, "pr-beta", true)
		d.wait(t, second.Number, "ready")
		_, err := d.deploy(t, second.Number)
		assert.NilError(t, err)
		held := d.get(t, second.Number)
		assert.Equal(t, held.DeploymentState, "queued")
		assert.Assert(t, is.Len(held.Deployment.PrecedingDeployments, 1))
		assert.Equal(t, held.Deployment.PrecedingDeployments[0].DeployRequestNumber, first.Number)

		// Rows written in the window.
		execAll(t, main, "INSERT INTO notes (id, flag) VALUES (3, 3)", "UPDATE notes SET flag = 10 WHERE id = 1", "DELETE FROM notes WHERE id = 2")
		_, err = d.c.DeployRequests.RevertDeploy(ctx(t), &ps.RevertDeployRequestRequest{Organization: e.Org(), Database: "app", Number: first.Number})
		assert.NilError(t, err)
		d.wait(t, first.Number, "complete_revert")
		d.wait(t, second.Number, "complete_pending_revert")

		assert.DeepEqual(t, d.tables(t, "main"), []string{"beta", "notes"})
		assert.DeepEqual(t, d.rows(t, "main", "SELECT id, body, flag FROM notes ORDER BY id"),
			[]string{"1|one|10", "3|<nil>|3"})
	})
}

func TestDeployRequestIntoParentByDefault(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, opts...)
		d := drEnv{e: e, c: client(t, e)}
		createTestBranch(t, d.c, e, ps.CreateDatabaseBranchRequest{Database: "app", Name: "staging"})
		status, _ := call(t, e, "POST", dbPath(e, "app")+"/branches/staging/safe-migrations", nil)
		assert.Equal(t, status, http.StatusOK)
		createTestBranch(t, d.c, e, ps.CreateDatabaseBranchRequest{Database: "app", Name: "feature", ParentBranch: "staging"})
		dr, err := d.c.DeployRequests.Create(ctx(t), &ps.CreateDeployRequestRequest{Organization: e.Org(), Database: "app", Branch: "feature"})
		assert.NilError(t, err)
		assert.Equal(t, dr.IntoBranch, "staging")
	})
}

func TestSafeMigrations(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, append(opts, emulatortest.WithSafeMigrations())...)
		d := drEnv{e: e, c: client(t, e)}
		main, err := d.c.DatabaseBranches.Get(ctx(t), &ps.GetDatabaseBranchRequest{Organization: e.Org(), Database: "app", Branch: "main"})
		assert.NilError(t, err)
		assert.Assert(t, !main.SafeMigrations, "a new database has safe migrations off")

		d.branchWith(t, "feature", "CREATE TABLE t (id BIGINT NOT NULL PRIMARY KEY)")
		_, err = d.c.DeployRequests.Create(ctx(t), &ps.CreateDeployRequestRequest{Organization: e.Org(), Database: "app", Branch: "feature"})
		assert.ErrorContains(t, err, "safe migrations must be enabled")

		pw, err := d.c.Passwords.Create(ctx(t), &ps.DatabaseBranchPasswordRequest{Organization: e.Org(), Database: "app", Branch: "main", Role: "admin"})
		assert.NilError(t, err)
		ddl := func(stmt string) error {
			conn := passwordDB(t, e, pw, "app")
			_, err := conn.ExecContext(ctx(t), stmt)
			return err
		}
		assert.NilError(t, ddl("CREATE TABLE before_on (id BIGINT NOT NULL PRIMARY KEY)"))
		status, _ := call(t, e, "POST", dbPath(e, "app")+"/branches/main/safe-migrations", nil)
		assert.Equal(t, status, http.StatusOK)
		assert.Assert(t, ddl("DROP TABLE before_on") != nil, "an admin password made before safe migrations were on runs no DDL")
		assert.Assert(t, ddl("CREATE TABLE while_on (id BIGINT NOT NULL PRIMARY KEY)") != nil)
		status, _ = call(t, e, "DELETE", dbPath(e, "app")+"/branches/main/safe-migrations", nil)
		assert.Equal(t, status, http.StatusOK)
		assert.NilError(t, ddl("DROP TABLE before_on"))
	})
}

func TestLintErrorsMakeARequestNotDeployable(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, opts...)
		d := drEnv{e: e, c: client(t, e)}
		d.branchWith(t, "keyless", "CREATE TABLE events (body TEXT)")
		dr := d.open(t, "keyless", true)
		dr = d.wait(t, dr.Number, "error")
		assert.Assert(t, !dr.Deployment.Deployable)
		assert.Assert(t, is.Len(dr.Deployment.LintErrors, 1))
		assert.Equal(t, dr.Deployment.LintErrors[0].LintError, "NO_UNIQUE_KEY")
		assert.Equal(t, dr.Deployment.LintErrors[0].Table, "events")
		_, err := d.deploy(t, dr.Number)
		assert.ErrorContains(t, err, "NO_UNIQUE_KEY")
		assert.Equal(t, d.mainTable(t, "events"), "")

		// Fixing the branch makes the same request deployable.
		execAll(t, adminDB(t, e, "app", "keyless"), "ALTER TABLE events ADD COLUMN id BIGINT NOT NULL PRIMARY KEY")
		dr = d.wait(t, dr.Number, "ready")
		assert.Assert(t, dr.Deployment.Deployable)
		assert.Assert(t, is.Len(dr.Deployment.LintErrors, 0))
	})
}

func TestInstantDeploys(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, append(opts, emulatortest.WithTimings(emulator.Timings{RevertWindow: time.Hour}))...)
		d := drEnv{e: e, c: client(t, e)}
		execAll(t, adminDB(t, e, "app", "main"), "CREATE TABLE users (id BIGINT NOT NULL PRIMARY KEY)")
		d.branchWith(t, "newtable", "CREATE TABLE other (id BIGINT NOT NULL PRIMARY KEY)")
		d.branchWith(t, "addcol", "ALTER TABLE users ADD COLUMN nick VARCHAR(20)")

		dr := d.wait(t, d.open(t, "newtable", false).Number, "ready")
		assert.Assert(t, !dr.Deployment.InstantDDLEligible)
		_, err := d.c.DeployRequests.Deploy(ctx(t), &ps.PerformDeployRequest{Organization: e.Org(), Database: "app", Number: dr.Number, InstantDDL: true})
		assert.ErrorContains(t, err, "not eligible for an instant deployment")
		assert.Equal(t, d.get(t, dr.Number).DeploymentState, "ready")

		dr = d.wait(t, d.open(t, "addcol", false).Number, "ready")
		assert.Assert(t, dr.Deployment.InstantDDLEligible)
		_, err = d.c.DeployRequests.Deploy(ctx(t), &ps.PerformDeployRequest{Organization: e.Org(), Database: "app", Number: dr.Number, InstantDDL: true})
		assert.NilError(t, err)
		d.wait(t, dr.Number, "complete")
		assert.Assert(t, !slices.Contains(e.DeployHistory("app", dr.Number), "complete_pending_revert"), "an instant deploy cannot be reverted")
		assert.Assert(t, is.Contains(d.mainTable(t, "users"), "nick"))
	})
}

func TestApprovals(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, append(opts, emulatortest.WithRequireApproval(), withReviewer())...)
		d := drEnv{e: e, c: client(t, e)}
		reviewer := d.reviewer(t)
		status, body := call(t, e, "GET", dbPath(e, "app"), nil)
		assert.Equal(t, status, http.StatusOK)
		assert.Assert(t, is.Contains(string(body), `"require_approval_for_deploy":true`))

		d.branchWith(t, "feature", "CREATE TABLE t (id BIGINT NOT NULL PRIMARY KEY)")
		dr := d.wait(t, d.open(t, "feature", true).Number, "ready")
		assert.Assert(t, !dr.Approved)
		_, err := d.deploy(t, dr.Number)
		assert.ErrorContains(t, err, "must be approved")

		assert.ErrorContains(t, d.approve(t, d.c, dr.Number), "cannot approve your own deploy request")
		assert.NilError(t, d.approve(t, reviewer, dr.Number))
		assert.Assert(t, d.get(t, dr.Number).Approved)

		// A change to the branch after the approval dismisses it.
		execAll(t, adminDB(t, e, "app", "feature"), "CREATE TABLE t2 (id BIGINT NOT NULL PRIMARY KEY)")
		assert.Assert(t, !d.get(t, dr.Number).Approved)
		_, err = d.deploy(t, dr.Number)
		assert.ErrorContains(t, err, "must be approved")
		assert.NilError(t, d.approve(t, reviewer, dr.Number))
		_, err = d.deploy(t, dr.Number)
		assert.NilError(t, err)
		d.wait(t, dr.Number, "complete")
		assert.DeepEqual(t, d.tables(t, "main"), []string{"t", "t2"})
	})
}

// TestApprovalRequiredThroughTheDatabaseSettings: require_approval_for_deploy set by PATCH (spec
// update_database_settings) blocks an unapproved deploy until another administrator approves.
func TestApprovalRequiredThroughTheDatabaseSettings(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, append(opts, withReviewer())...)
		d := drEnv{e: e, c: client(t, e)}
		required := func() bool { // planetscale-go's Database has no such field
			t.Helper()
			var view struct {
				RequireApproval bool `json:"require_approval_for_deploy"`
			}
			status, body := call(t, e, "GET", dbPath(e, "app"), nil)
			assert.Equal(t, status, http.StatusOK)
			assert.NilError(t, json.Unmarshal(body, &view))
			return view.RequireApproval
		}
		assert.Assert(t, !required(), "a new database requires no approval")
		d.branchWith(t, "feature", "CREATE TABLE t (id BIGINT NOT NULL PRIMARY KEY)")
		dr := d.wait(t, d.open(t, "feature", true).Number, "ready")

		status, body := call(t, e, "PATCH", dbPath(e, "app"), map[string]any{"require_approval_for_deploy": true})
		assert.Equal(t, status, http.StatusOK, string(body))
		assert.Assert(t, is.Contains(string(body), `"require_approval_for_deploy":true`))
		assert.Assert(t, required())

		_, err := d.deploy(t, dr.Number)
		assert.ErrorContains(t, err, fmt.Sprintf("deploy request #%d must be approved before it can be deployed: this database requires approval for deploys", dr.Number))
		assert.Equal(t, sdkCode(err), ps.ErrRetry, "planetscale-go's code for an HTTP 422")
		assert.Equal(t, d.get(t, dr.Number).DeploymentState, "ready")
		assert.Equal(t, d.mainTable(t, "t"), "", "production is untouched")

		assert.NilError(t, d.approve(t, d.reviewer(t), dr.Number))
		assert.Assert(t, d.get(t, dr.Number).Approved)
		_, err = d.deploy(t, dr.Number)
		assert.NilError(t, err)
		d.wait(t, dr.Number, "complete")
		assert.DeepEqual(t, d.tables(t, "main"), []string{"t"})
		assert.Equal(t, e.DeployCalls("app", dr.Number), 2)
	})
}

// TestJoiningTheQueueChecksWhatIsAhead: a request rejected for colliding with a deployment ahead
// says so until that one leaves the queue: cancelled, it deploys; deployed, the target decides.
func TestJoiningTheQueueChecksWhatIsAhead(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, opts...)
		d := drEnv{e: e, c: client(t, e)}
		d.collidingBranches(t)
		other := d.wait(t, d.open(t, "pr-int", true).Number, "ready")
		deployable := func(dr *ps.DeployRequest) bool { return dr.Deployment.Deployable }
		rejectedBehind := func(gated uint64) {
			t.Helper()
			_, err := d.deploy(t, gated)
			assert.NilError(t, err)
			d.wait(t, gated, "pending_cutover")
			_, err = d.deploy(t, other.Number)
			assert.ErrorContains(t, err, "conflicts with the deployments queued ahead")
			dr := d.get(t, other.Number)
			assert.Equal(t, dr.DeploymentState, "ready", "a request rejected from the queue does not join it")
			assert.Assert(t, !dr.Deployment.Deployable)
			listed := d.waitListed(t, "pr-int", "not deployable", func(dr *ps.DeployRequest) bool { return !deployable(dr) })
			assert.Equal(t, listed.Number, other.Number)
			checks := d.checkErrors(t, other.Number)
			assert.Assert(t, containsAll(checks, fmt.Sprintf("conflict with deploy request #%d queued ahead: users: ", gated),
				"this branch: ALTER TABLE `users` MODIFY COLUMN `email` int", fmt.Sprintf("deploy request #%d: ALTER TABLE `users` MODIFY COLUMN `email` varchar(255)", gated)), "%s", checks)
			assert.Assert(t, is.Contains(d.mainTable(t, "users"), "varchar(100)"), "production is untouched")
		}

		first := d.wait(t, d.open(t, "pr-wide", false).Number, "ready")
		rejectedBehind(first.Number)
		_, err := d.c.DeployRequests.CancelDeploy(ctx(t), &ps.CancelDeployRequestRequest{Organization: e.Org(), Database: "app", Number: first.Number})
		assert.NilError(t, err)
		d.wait(t, first.Number, "complete_cancel")
		again := d.waitListed(t, "pr-int", "deployable", deployable)
		assert.Equal(t, again.DeploymentState, "ready")
		assert.Equal(t, d.checkErrors(t, other.Number), "", "the collision went with the cancelled deployment")

		_, err = d.c.DeployRequests.CloseDeploy(ctx(t), &ps.CloseDeployRequestRequest{Organization: e.Org(), Database: "app", Number: first.Number})
		assert.NilError(t, err)
		second := d.wait(t, d.open(t, "pr-wide", false).Number, "ready")
		rejectedBehind(second.Number)
		_, err = d.c.DeployRequests.ApplyDeploy(ctx(t), &ps.ApplyDeployRequestRequest{Organization: e.Org(), Database: "app", Number: second.Number})
		assert.NilError(t, err)
		d.wait(t, second.Number, "complete")
		after := d.waitListed(t, "pr-int", "error", func(dr *ps.DeployRequest) bool { return dr.DeploymentState == "error" })
		assert.Assert(t, !after.Deployment.Deployable)
		checks := d.checkErrors(t, other.Number)
		assert.Assert(t, is.Contains(checks, "conflict on users: "), "the target now has the change it collided with")
		assert.Assert(t, !strings.Contains(checks, "queued ahead"), "%s", checks)
		assert.Assert(t, is.Contains(d.mainTable(t, "users"), "varchar(255)"))
	})
}

// TestOpenRequestsFollowTheTarget: a deployment that changes the target makes every open request
// into it say at once, lists too, whether it still deploys; an approval survives.
func TestOpenRequestsFollowTheTarget(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, append(opts, emulatortest.WithTimings(emulator.Timings{RevertWindow: time.Hour}), emulatortest.WithRequireApproval(), withReviewer())...)
		d := drEnv{e: e, c: client(t, e)}
		reviewer := d.reviewer(t)
		approve := func(n uint64) {
			t.Helper()
			assert.NilError(t, d.approve(t, reviewer, n))
		}
		d.collidingBranches(t)
		wide := d.wait(t, d.open(t, "pr-wide", true).Number, "ready")
		narrow := d.wait(t, d.open(t, "pr-int", true).Number, "ready")
		approve(wide.Number)
		approve(narrow.Number)

		_, err := d.deploy(t, wide.Number)
		assert.NilError(t, err)
		d.wait(t, wide.Number, "complete_pending_revert")
		poll := func(want string) {
			t.Helper()
			dr := d.waitListed(t, "pr-int", want, func(dr *ps.DeployRequest) bool { return dr.DeploymentState == want })
			assert.Assert(t, dr.Approved, "the approval stays: the branch did not change")
		}
		poll("error")

		_, err = d.c.DeployRequests.RevertDeploy(ctx(t), &ps.RevertDeployRequestRequest{Organization: e.Org(), Database: "app", Number: wide.Number})
		assert.NilError(t, err)
		d.wait(t, wide.Number, "complete_revert")
		poll("ready")
		_, err = d.deploy(t, narrow.Number)
		assert.NilError(t, err)
		d.wait(t, narrow.Number, "complete_pending_revert")
		assert.Assert(t, is.Contains(d.mainTable(t, "users"), "`email` int"))
	})
}

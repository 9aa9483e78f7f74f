package emulator_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"github.com/psflow/psflow/pkg/emulator/internal/deploy"
	"gotest.tools/v3/assert"
)

// notEmulated lists the subset spec's operations the emulator does not serve, with why; a new
// path or method must be implemented (and covered by TestContract) or listed here.
var notEmulated = map[string]string{
	// Settings changes psflow never makes.
	"update_password":        "renaming a password is not used by psflow",
	"update_backup":          "backup protection is not used by psflow",
	"update_safe_migrations": "the POST/DELETE safe-migrations pair is emulated instead",
	"update_organization":    "organization settings are fixed in the emulator",
	// Databases and organizations exist from the emulator's configuration.
	"create_database": "databases are created at start (--database)",
	"delete_database": "databases live as long as the emulator",
	// Deploy request features outside psflow's flow.
	"force_cutover_deploy_request": "cutover is immediate after apply-deploy or with auto_cutover",
}

// sameRoute reports whether a route pattern ("GET /v1/a/{x}") is the spec
// operation, whatever the parameters are called.
func sameRoute(pattern string, o *specOp) bool {
	return pathParam.ReplaceAllString(pattern, "{}") == o.Method+" "+pathParam.ReplaceAllString("/v1"+o.Path, "{}")
}

// routedOperations sends each spec operation to the emulator without a
// valid token and reads from the request log which ones matched a route.
func routedOperations(t *testing.T, e *emulator.Emulator, spec *specDoc) map[string]bool {
	t.Helper()
	routed := map[string]bool{}
	for _, o := range spec.ops {
		path := o.samplePath(e.Org(), "app")
		status, body := callWith(t, e, o.Method, path, nil, "probe:wrong")
		assert.Equal(t, status, http.StatusUnauthorized, "%s %s: %s", o.Method, path, body)
		reqs := e.Requests()
		last := reqs[len(reqs)-1]
		assert.Equal(t, last.Method+" "+last.Path, o.Method+" "+path)
		routed[o.ID] = sameRoute(last.Endpoint, o)
	}
	return routed
}

// TestContractPaths checks that every operation of the subset spec is served or in notEmulated,
// and that the list names no served or unknown operation.
func TestContractPaths(t *testing.T) {
	t.Parallel()
	spec := loadSubsetSpec(t)
	e := emulatortest.Start(t)
	routed := routedOperations(t, e, spec)
	for _, o := range spec.ops {
		_, skipped := notEmulated[o.ID]
		switch {
		case routed[o.ID] && skipped:
			t.Errorf("%s (%s /v1%s) is served but listed in notEmulated", o.ID, o.Method, o.Path)
		case !routed[o.ID] && !skipped:
			t.Errorf("%s (%s /v1%s) is in the spec but neither served nor listed in notEmulated", o.ID, o.Method, o.Path)
		}
	}
	for id := range notEmulated {
		if _, ok := spec.op(id); !ok {
			t.Errorf("notEmulated lists %s, which the spec does not have", id)
		}
	}
}

// TestContract drives every served operation of the subset spec and checks each body against the
// spec's schema for its status; errors against the API's error body.
func TestContract(t *testing.T) {
	t.Parallel()
	spec := loadSubsetSpec(t)
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		// Zero delays except a revert window, so skip-revert and revert
		// find a deploy request inside it.
		e := emulatortest.Start(t, append(opts, emulatortest.WithTimings(emulator.Timings{RevertWindow: time.Hour}))...)
		c := newContractRun(t, e, spec)
		for _, o := range spec.ops {
			if _, skipped := notEmulated[o.ID]; !skipped {
				c.callAs(o.ID, http.StatusUnauthorized, o.Method, o.samplePath(e.Org(), "app"), nil, "probe:wrong")
			}
		}
		contractOrgAndBranches(c)
		contractPasswordsAndBackups(c)
		contractDeployRequests(c)
		t.Logf("responses checked against %s:\n%s", subsetSpecFile, c.table())
		for _, o := range spec.ops {
			if _, skipped := notEmulated[o.ID]; !skipped && !c.covered(o.ID) {
				t.Errorf("%s is served but TestContract never checked its success response", o.ID)
			}
		}
	})
}

// paths of the test organization and its database "app".
func orgPath(e *emulator.Emulator) string { return "/v1/organizations/" + e.Org() }

func branchPath(e *emulator.Emulator, name string) string {
	return dbPath(e, "app") + "/branches/" + name
}

func drPath(e *emulator.Emulator, number int) string {
	return fmt.Sprintf("%s/deploy-requests/%d", dbPath(e, "app"), number)
}

// contractOrgAndBranches covers the organization, database, branch,
// schema and lint operations.
func contractOrgAndBranches(c *contractRun) {
	e, db := c.e, dbPath(c.e, "app")
	c.call("get_organization", 200, "GET", orgPath(e), nil)
	c.call("get_organization", 404, "GET", "/v1/organizations/no-such-org", nil)
	c.call("list_databases", 200, "GET", orgPath(e)+"/databases", nil)
	c.call("get_database", 200, "GET", db, nil)
	c.call("get_database", 404, "GET", dbPath(e, "no-such-db"), nil)
	c.call("update_database_settings", 200, "PATCH", db, map[string]any{"require_approval_for_deploy": false})
	c.call("update_database_settings", 404, "PATCH", dbPath(e, "no-such-db"), map[string]any{"require_approval_for_deploy": true})

	for _, name := range []string{"feat1", "lint", "promo", "gone"} {
		c.call("create_branch", 201, "POST", db+"/branches", map[string]string{"name": name, "parent_branch": "main"})
	}
	c.call("create_branch", 422, "POST", db+"/branches", map[string]string{"name": "Not_Valid", "parent_branch": "main"})
	c.call("create_branch", 422, "POST", db+"/branches", map[string]string{"name": "feat1", "parent_branch": "main"})
	c.call("create_branch", 404, "POST", dbPath(e, "no-such-db")+"/branches", map[string]string{"name": "x"})
	c.call("get_branch", 200, "GET", branchPath(e, "feat1"), nil)
	c.call("get_branch", 404, "GET", branchPath(e, "no-such-branch"), nil)
	c.call("update_branch", 200, "PATCH", branchPath(e, "feat1"), map[string]any{"deletion_protected": false})
	c.call("update_branch", 404, "PATCH", branchPath(e, "no-such-branch"), map[string]any{"deletion_protected": true})
	c.call("list_branches", 200, "GET", db+"/branches", nil)
	// A middle page has both next_page and prev_page set.
	c.call("list_branches", 200, "GET", db+"/branches?per_page=1&page=2", nil)

	execAll(c.t, adminDB(c.t, e, "app", "feat1"), "CREATE TABLE t1 (id BIGINT PRIMARY KEY, name VARCHAR(64))")
	execAll(c.t, adminDB(c.t, e, "app", "lint"), "CREATE TABLE nopk (a INT)")
	c.call("get_branch_schema", 200, "GET", branchPath(e, "feat1")+"/schema", nil)
	c.call("get_branch_schema", 404, "GET", branchPath(e, "no-such-branch")+"/schema", nil)
	lint := c.call("lint_branch_schema", 200, "GET", branchPath(e, "lint")+"/schema/lint", nil)
	assert.Assert(c.t, len(lint["data"].([]any)) > 0, "a table without a primary key gives a lint error to check")

	c.call("enable_safe_migrations", 200, "POST", branchPath(e, "promo")+"/safe-migrations", nil)
	c.call("disable_safe_migrations", 200, "DELETE", branchPath(e, "promo")+"/safe-migrations", nil)
	c.call("promote_branch", 200, "POST", branchPath(e, "promo")+"/promote", nil)
	c.call("delete_branch", 204, "DELETE", branchPath(e, "gone"), nil)
	c.call("delete_branch", 404, "DELETE", branchPath(e, "gone"), nil)
	c.call("delete_branch", 422, "DELETE", branchPath(e, "main"), nil)
}

// contractPasswordsAndBackups covers the password and backup operations.
func contractPasswordsAndBackups(c *contractRun) {
	e, br := c.e, branchPath(c.e, "feat1")
	pw := c.call("create_password", 201, "POST", br+"/passwords", map[string]any{"name": "pw1", "role": "reader", "ttl": 3600})
	c.call("create_password", 201, "POST", br+"/passwords", map[string]any{"role": "admin"})
	c.call("create_password", 422, "POST", br+"/passwords", map[string]any{"role": "superuser"})
	id := pw["id"].(string)
	c.call("get_password", 200, "GET", br+"/passwords/"+id, nil)
	c.call("get_password", 404, "GET", br+"/passwords/no-such-id", nil)
	c.call("list_passwords", 200, "GET", br+"/passwords", nil)
	c.call("delete_password", 204, "DELETE", br+"/passwords/"+id, nil)
	c.call("delete_password", 404, "DELETE", br+"/passwords/"+id, nil)

	main := branchPath(e, "main")
	bk := c.call("create_backup", 201, "POST", main+"/backups", map[string]any{"name": "bk1"})
	c.call("create_backup", 201, "POST", main+"/backups", nil)
	id = bk["id"].(string)
	c.call("get_backup", 200, "GET", main+"/backups/"+id, nil)
	c.call("get_backup", 404, "GET", main+"/backups/no-such-id", nil)
	c.call("list_backups", 200, "GET", main+"/backups", nil)
	c.call("delete_backup", 204, "DELETE", main+"/backups/"+id, nil)
	c.call("delete_backup", 404, "DELETE", main+"/backups/"+id, nil)
}

// contractDeployRequests walks deploy requests through a gated deploy with skip-revert, cancel,
// revert, close and no changes, checking every response on the way.
func contractDeployRequests(c *contractRun) {
	e, db := c.e, dbPath(c.e, "app")
	open := func(branch string, autoCutover bool, ddl ...string) int {
		c.call("create_branch", 201, "POST", db+"/branches", map[string]string{"name": branch, "parent_branch": "main"})
		execAll(c.t, adminDB(c.t, e, "app", branch), ddl...)
		dr := c.call("create_deploy_request", 201, "POST", db+"/deploy-requests",
			map[string]any{"branch": branch, "into_branch": "main", "notes": "contract " + branch, "auto_cutover": autoCutover})
		return int(dr["number"].(float64))
	}
	deployUntil := func(n int, state string) {
		c.waitDeployState(n, deploy.Ready)
		c.call("queue_deploy_request", 200, "POST", drPath(e, n)+"/deploy", nil)
		c.waitDeployState(n, state)
	}

	// feat1 → main: gated cutover, then skip the revert window.
	n := int(c.call("create_deploy_request", 201, "POST", db+"/deploy-requests",
		map[string]any{"branch": "feat1", "into_branch": "main"})["number"].(float64))
	c.call("create_deploy_request", 422, "POST", db+"/deploy-requests", map[string]any{"branch": "feat1", "into_branch": "main"})
	c.call("create_deploy_request", 404, "POST", db+"/deploy-requests", map[string]any{"branch": "no-such-branch"})
	c.waitDeployState(n, deploy.Ready)
	c.call("get_deploy_request", 200, "GET", drPath(e, n), nil)
	c.call("get_deploy_request", 404, "GET", drPath(e, 999), nil)
	c.call("get_deployment", 200, "GET", drPath(e, n)+"/deployment", nil)
	ops := c.call("list_deploy_operations", 200, "GET", drPath(e, n)+"/operations", nil)
	assert.Assert(c.t, len(ops["data"].([]any)) > 0, "a deploy request with a change has operations to check")
	c.call("queue_deploy_request", 200, "POST", drPath(e, n)+"/deploy", nil)
	c.waitDeployState(n, deploy.PendingCutover)
	c.call("get_deployment", 200, "GET", drPath(e, n)+"/deployment", nil)
	c.call("complete_gated_deploy_request", 200, "POST", drPath(e, n)+"/apply-deploy", nil)
	c.waitDeployState(n, deploy.CompletePendingRevert)
	c.call("skip_revert_period", 200, "POST", drPath(e, n)+"/skip-revert", nil)
	c.call("skip_revert_period", 422, "POST", drPath(e, n)+"/skip-revert", nil)

	// feat2 → main: cancelled while waiting for the cutover.
	n = open("feat2", false, "CREATE TABLE t2 (id BIGINT PRIMARY KEY)")
	c.call("update_auto_apply", 200, "PUT", drPath(e, n)+"/auto-apply", map[string]bool{"enable": false})
	c.call("update_auto_apply", 404, "PUT", drPath(e, 999)+"/auto-apply", map[string]bool{"enable": false})
	deployUntil(n, deploy.PendingCutover)
	c.call("cancel_deploy_request", 200, "POST", drPath(e, n)+"/cancel", nil)
	c.waitDeployState(n, deploy.CompleteCancel)

	// feat3 → main: automatic cutover, then reverted.
	n = open("feat3", true, "CREATE TABLE t3 (id BIGINT PRIMARY KEY)")
	deployUntil(n, deploy.CompletePendingRevert)
	c.call("complete_revert", 200, "POST", drPath(e, n)+"/revert", nil)
	c.waitDeployState(n, deploy.CompleteRevert)

	// feat4 → main: closed without deploying.
	n = open("feat4", false, "CREATE TABLE t4 (id BIGINT PRIMARY KEY)")
	c.call("review_deploy_request", 201, "POST", drPath(e, n)+"/reviews", map[string]string{"state": "commented", "body": "looks good"})
	c.call("review_deploy_request", 201, "POST", drPath(e, n)+"/reviews", map[string]string{"state": "approved"})
	c.call("review_deploy_request", 422, "POST", drPath(e, n)+"/reviews", map[string]string{"state": "rejected"})
	c.call("list_deploy_request_reviews", 200, "GET", drPath(e, n)+"/reviews", nil)
	c.call("list_deploy_request_reviews", 404, "GET", drPath(e, 999)+"/reviews", nil)
	c.call("close_deploy_request", 200, "PATCH", drPath(e, n), map[string]string{"state": "closed"})
	c.call("close_deploy_request", 422, "PATCH", drPath(e, n), map[string]string{"state": "closed"})

	// same → main: nothing to deploy.
	n = open("same", false)
	c.waitDeployState(n, deploy.NoChanges)
	c.call("queue_deploy_request", 422, "POST", drPath(e, n)+"/deploy", nil)

	list := c.call("list_deploy_requests", 200, "GET", db+"/deploy-requests", nil)
	assert.Equal(c.t, len(list["data"].([]any)), 5)
	c.call("list_deploy_requests", 200, "GET", db+"/deploy-requests?state=closed&per_page=2&page=2", nil)
	c.call("list_deploy_requests", 404, "GET", dbPath(e, "no-such-db")+"/deploy-requests", nil)

	// uniq → main: the cutover fails on duplicate rows, complete_error
	// blocks the queue until complete-deploy.
	execAll(c.t, adminDB(c.t, e, "app", "main"), "CREATE TABLE codes (id BIGINT PRIMARY KEY, code VARCHAR(10))")
	n = open("uniq", true, "ALTER TABLE codes ADD UNIQUE KEY code (code)")
	// The rows go in once the request's diff is read: on the embedded
	// storage, a write racing that read of production's schema can be lost.
	c.waitDeployState(n, deploy.Ready)
	execAll(c.t, adminDB(c.t, e, "app", "main"), "INSERT INTO codes VALUES (1, 'x'), (2, 'x')")
	deployUntil(n, deploy.CompleteError)
	c.call("complete_errored_deploy", 200, "POST", drPath(e, n)+"/complete-deploy", nil)
	c.call("complete_errored_deploy", 404, "POST", drPath(e, 999)+"/complete-deploy", nil)
}

package emulator_test

import (
	"database/sql"
	"net/http"
	"testing"
	"time"

	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// schemaUpdated reads database app's schema_last_updated_at; zero when
// null.
func schemaUpdated(t *testing.T, e *emulator.Emulator) time.Time {
	t.Helper()
	db, err := psClient(t, e).GetDatabase(ctx(t), "app")
	assert.NilError(t, err)
	if db.SchemaLastUpdatedAt == nil {
		return time.Time{}
	}
	return *db.SchemaLastUpdatedAt
}

// branchCreated reads a branch's created_at as the API renders it.
func branchCreated(t *testing.T, e *emulator.Emulator, branch string) time.Time {
	t.Helper()
	b, err := psClient(t, e).GetBranch(ctx(t), "app", branch)
	assert.NilError(t, err)
	return b.CreatedAt
}

// TestSchemaLastUpdatedAt: schema_last_updated_at moves when main's schema changes (cutover,
// revert, DDL over the edge), at no other time, and compares with branches' created_at.
func TestSchemaLastUpdatedAt(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, append(opts, emulatortest.WithSafeMigrations(), emulatortest.WithTimings(emulator.Timings{RevertWindow: time.Hour}))...)
		d := drEnv{e: e, c: client(t, e)}
		conn := oneConn(t, passwordDB(t, e, asSDK(edgePassword(t, e, "main", map[string]any{"role": "admin"})), "app"))
		assert.Check(t, schemaUpdated(t, e).IsZero(), "null before any change")

		// DDL on main over the edge, safe migrations off.
		execConn(t, conn, "CREATE TABLE users (id BIGINT NOT NULL PRIMARY KEY)")
		direct := schemaUpdated(t, e)
		assert.Assert(t, !direct.IsZero())
		// What changes no schema moves nothing.
		d.branchWith(t, "pr", "CREATE TABLE posts (id BIGINT NOT NULL PRIMARY KEY)")
		execConn(t, conn, "CREATE TABLE IF NOT EXISTS users (id BIGINT NOT NULL PRIMARY KEY)",
			"INSERT INTO users VALUES (1)", "TRUNCATE TABLE users")
		if !e.Storage().Embedded() { // see TestMySQLEdgeTemporaryTables
			execConn(t, conn, "CREATE TEMPORARY TABLE scratch (id INT)", "DROP TEMPORARY TABLE scratch")
		}
		assert.Equal(t, schemaUpdated(t, e), direct)
		created := branchCreated(t, e, "pr")
		assert.Check(t, !schemaUpdated(t, e).After(created), "main did not move since pr was created")

		// A deploy's cutover: later than pr's creation, even within the
		// same second.
		status, body := call(t, e, http.MethodPost, dbPath(e, "app")+"/branches/main/safe-migrations", nil)
		assert.Equal(t, status, http.StatusOK, string(body))
		dr := d.deployed(t, "pr", "complete_pending_revert")
		deployed := schemaUpdated(t, e)
		assert.Check(t, deployed.After(created), "%s after %s", deployed, created)
		d.branchWith(t, "after")
		assert.Check(t, branchCreated(t, e, "after").After(deployed))

		// A revert.
		_, err := d.c.DeployRequests.RevertDeploy(ctx(t), &ps.RevertDeployRequestRequest{Organization: e.Org(), Database: "app", Number: dr.Number})
		assert.NilError(t, err)
		d.wait(t, dr.Number, "complete_revert")
		reverted := schemaUpdated(t, e)
		assert.Check(t, reverted.After(branchCreated(t, e, "after")))

		// Changes on other branches move nothing.
		execAll(t, adminDB(t, e, "app", "after"), "CREATE TABLE other (id BIGINT NOT NULL PRIMARY KEY)")
		otherConn := oneConn(t, passwordDB(t, e, asSDK(edgePassword(t, e, "after", map[string]any{"role": "admin"})), "app"))
		execConn(t, otherConn, "CREATE TABLE more (id BIGINT NOT NULL PRIMARY KEY)")
		assert.Check(t, is.Equal(schemaUpdated(t, e), reverted))
	})
}

// execConn runs statements on one connection, failing the test on the
// first error.
func execConn(t *testing.T, conn *sql.Conn, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		_, err := conn.ExecContext(ctx(t), s)
		assert.NilError(t, err, s)
	}
}

package emulator_test

import (
	"database/sql"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// queryStrings reads a one-column result.
func queryStrings(t *testing.T, db *sql.DB, query string) []string {
	t.Helper()
	rows, err := db.QueryContext(ctx(t), query)
	assert.NilError(t, err, query)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		assert.NilError(t, rows.Scan(&s))
		out = append(out, s)
	}
	assert.NilError(t, rows.Err())
	return out
}

// TestMySQLEdgeDatabaseNameMapped checks the client sees the database by
// its PlanetScale name only, as vtgate shows the keyspace's.
func TestMySQLEdgeDatabaseNameMapped(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, opts...)
		db := passwordDB(t, e, devPassword(t, e, "admin"), "app")
		limitsTable(t, db, 2)
		storageName, _ := e.BranchDatabase("app", "dev")

		assert.Check(t, is.DeepEqual(queryStrings(t, db, "SELECT DATABASE()"), []string{"app"}))
		assert.Check(t, is.Contains(queryStrings(t, db, "SHOW DATABASES"), "app"))
		rows, err := db.QueryContext(ctx(t), "SHOW TABLES")
		assert.NilError(t, err)
		cols, err := rows.Columns()
		assert.NilError(t, err)
		assert.NilError(t, rows.Close())
		assert.Check(t, is.DeepEqual(cols, []string{"Tables_in_app"}))
		for _, q := range []string{
			"SELECT table_name FROM information_schema.tables WHERE table_schema = 'app'",
			"SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA IN ('app') AND TABLE_NAME = 't'",
			"SELECT table_name FROM information_schema.tables WHERE 'app' = table_schema",
			"SHOW TABLES FROM app",
			"SHOW TABLES IN `app`",
		} {
			assert.Check(t, is.DeepEqual(queryStrings(t, db, q), []string{"t"}), q)
		}
		assert.Check(t, is.DeepEqual(queryStrings(t, db, "SELECT DISTINCT table_schema FROM information_schema.columns WHERE table_name = 't'"), []string{"app"}))
		for _, q := range []string{"SELECT COUNT(*) FROM app.t", "SELECT COUNT(*) FROM `app`.`t`", "SELECT COUNT(app.t.id) FROM app.t"} {
			assert.Check(t, is.DeepEqual(queryStrings(t, db, q), []string{"2"}), q)
		}
		// A table alias named like the database is the alias.
		assert.Check(t, is.DeepEqual(queryStrings(t, db, "SELECT app.v FROM t AS app WHERE app.id = 1"), []string{"v"}))
		// A literal elsewhere is data.
		assert.Check(t, is.DeepEqual(queryStrings(t, db, "SELECT 'app'"), []string{"app"}))

		_, err = db.ExecContext(ctx(t), "SELECT * FROM app.nope")
		assert.Assert(t, err != nil)
		assert.Check(t, !strings.Contains(err.Error(), storageName), "the error names storage: %v", err)
		if emulator.ExternalStorage(e) {
			assert.Check(t, is.ErrorContains(err, "Table 'app.nope' doesn't exist"))
		}
		_, err = db.ExecContext(ctx(t), "INSERT INTO app.t VALUES (3, 'c')")
		assert.NilError(t, err)
	})
}

// TestMySQLEdgeReplicas checks @replica targets and replica passwords
// read and never write (planetscale.com/docs/concepts/replicas).
func TestMySQLEdgeReplicas(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, opts...)
		admin := devPassword(t, e, "admin")
		limitsTable(t, passwordDB(t, e, admin, "app"), 1)
		const refused = "Error 1874 (HY000): VT09002: insert statement with a replica target"

		v := edgePassword(t, e, "dev", map[string]any{"role": "reader", "replica": true})
		assert.Check(t, v.Replica, "created with replica: true")
		status, data := call(t, e, http.MethodGet, dbPath(e, "app")+"/branches/dev/passwords/"+v.ID, nil)
		assert.Equal(t, status, http.StatusOK)
		var got emulator.PasswordView
		assert.NilError(t, json.Unmarshal(data, &got))
		assert.Check(t, got.Replica, "read back")

		for _, name := range []string{"app", "@primary", ""} {
			db := passwordDB(t, e, asSDK(v), name)
			assert.Check(t, is.DeepEqual(queryStrings(t, db, "SELECT v FROM t"), []string{"v"}), name)
			_, err := db.ExecContext(ctx(t), "INSERT INTO t VALUES (2, 'x')")
			assert.Check(t, is.ErrorContains(err, refused), name)
		}
		for _, name := range []string{"@replica", "app@replica"} {
			db := passwordDB(t, e, admin, name)
			assert.Check(t, is.DeepEqual(queryStrings(t, db, "SELECT v FROM t"), []string{"v"}), name)
			for stmt, want := range map[string]string{
				"INSERT INTO t VALUES (2, 'x')": refused,
				"UPDATE t SET v = 'y'":          "VT09002: update statement with a replica target",
				"DELETE FROM t":                 "VT09002: delete statement with a replica target",
				"DROP TABLE t":                  "VT09002: ddl statement with a replica target",
			} {
				_, err := db.ExecContext(ctx(t), stmt)
				assert.Check(t, is.ErrorContains(err, want), "%s: %s", name, stmt)
			}
		}
		conn := oneConn(t, passwordDB(t, e, admin, "app"))
		_, err := conn.ExecContext(ctx(t), "USE @replica")
		assert.NilError(t, err)
		_, err = conn.ExecContext(ctx(t), "INSERT INTO t VALUES (2, 'x')")
		assert.Check(t, is.ErrorContains(err, refused))
		_, err = conn.ExecContext(ctx(t), "USE app")
		assert.NilError(t, err)
		_, err = conn.ExecContext(ctx(t), "INSERT INTO t VALUES (2, 'x')")
		assert.NilError(t, err)
	})
}

// TestMySQLEdgeRoles checks each role against vttablet's table ACLs, in
// their words (planetscale.com/docs/concepts/password-roles).
func TestMySQLEdgeRoles(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, opts...)
		admin := passwordDB(t, e, devPassword(t, e, "admin"), "app")
		limitsTable(t, admin, 12)
		execAll(t, admin, "CREATE TABLE u (id BIGINT NOT NULL PRIMARY KEY)", "INSERT INTO u VALUES (1)")
		denied := func(plan, user, table string) string {
			return "Error 1105 (HY000): target: app.-.primary: vttablet: rpc error: code = PermissionDenied desc = " +
				plan + " command denied to user '" + user + "' for table '" + table + "' (ACL check error) (CallerID: " + user + ")"
		}

		writer := devPassword(t, e, "writer")
		w := passwordDB(t, e, writer, "app")
		res, err := w.ExecContext(ctx(t), "UPDATE t SET v = 'x' WHERE id = 11")
		assert.NilError(t, err, "a writer updates with a WHERE clause")
		n, _ := res.RowsAffected()
		assert.Check(t, is.Equal(n, int64(1)))
		for _, stmt := range []string{"DELETE FROM t WHERE id = 12", "INSERT INTO t VALUES (13, 'w')", "SELECT 1"} {
			_, err := w.ExecContext(ctx(t), stmt)
			assert.Check(t, err, stmt)
		}
		for stmt, table := range map[string]string{
			"SELECT * FROM t":                                     "t",
			"SELECT COUNT(*) FROM t":                              "t",
			"INSERT INTO t SELECT id + 100, 'c' FROM u":           "u",
			"UPDATE t SET v = 'y' WHERE id IN (SELECT id FROM u)": "u",
		} {
			_, err := w.ExecContext(ctx(t), stmt)
			assert.Check(t, is.Error(err, denied("Select", writer.Username, table)), stmt)
		}
		_, err = w.ExecContext(ctx(t), "CREATE TABLE x (id INT PRIMARY KEY)")
		assert.Check(t, is.Error(err, denied("DDL", writer.Username, "x")))

		reader := devPassword(t, e, "reader")
		r := passwordDB(t, e, reader, "app")
		assert.Check(t, is.DeepEqual(queryStrings(t, r, "SELECT v FROM t WHERE id = 11"), []string{"x"}))
		for stmt, plan := range map[string]string{"INSERT INTO t VALUES (20, 'r')": "Insert", "DELETE FROM t WHERE id = 1": "Delete", "UPDATE t SET v = 'r'": "Update"} {
			_, err := r.ExecContext(ctx(t), stmt)
			assert.Check(t, is.Error(err, denied(plan, reader.Username, "t")), stmt)
		}

		rw := devPassword(t, e, "readwriter")
		d := passwordDB(t, e, rw, "app")
		assert.Check(t, is.DeepEqual(queryStrings(t, d, "SELECT v FROM t WHERE id = 11"), []string{"x"}))
		_, err = d.ExecContext(ctx(t), "DROP TABLE u")
		assert.Check(t, is.Error(err, denied("DDL", rw.Username, "u")))
	})
}

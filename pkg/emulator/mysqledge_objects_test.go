package emulator_test

import (
	"strings"
	"testing"

	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// TestMySQLEdgeTemporaryTables: a session's temporary table can be created, shown and dropped
// through the edge, safe migrations on or off, without changing the branch's schema.
func TestMySQLEdgeTemporaryTables(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, opts...)
		if e.Storage().Embedded() {
			t.Skip("go-mysql-server v0.20.0's in-memory databases do not implement sql.TemporaryTableCreator: CREATE TEMPORARY TABLE fails on the embedded storage")
		}
		d := drEnv{e: e, c: client(t, e)}
		d.branchWith(t, "dev")
		for _, branch := range []string{"dev", "main"} {
			t.Run(branch, func(t *testing.T) {
				conn := oneConn(t, passwordDB(t, e, asSDK(edgePassword(t, e, branch, map[string]any{"role": "admin"})), "app"))
				execConn(t, conn, "CREATE TEMPORARY TABLE norm (id BIGINT NOT NULL, name VARCHAR(20) DEFAULT 'x', PRIMARY KEY (id))")
				var name, create string
				assert.NilError(t, conn.QueryRowContext(ctx(t), "SHOW CREATE TABLE norm").Scan(&name, &create))
				assert.Check(t, strings.HasPrefix(create, "CREATE TEMPORARY TABLE `norm`"), create)
				assert.Check(t, is.Contains(create, "`name` varchar(20) DEFAULT 'x'"))
				execConn(t, conn, "DROP TEMPORARY TABLE norm")
				assert.DeepEqual(t, d.tables(t, branch), []string{})
			})
		}
	})
}

// TestMySQLEdgeForeignKeyChecksOff checks that a development branch takes
// a table created and dropped with FOREIGN_KEY_CHECKS=0 in the session.
func TestMySQLEdgeForeignKeyChecksOff(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, opts...)
		d := drEnv{e: e, c: client(t, e)}
		d.branchWith(t, "dev")
		conn := oneConn(t, passwordDB(t, e, asSDK(edgePassword(t, e, "dev", map[string]any{"role": "admin"})), "app"))
		execConn(t, conn, "SET FOREIGN_KEY_CHECKS=0",
			"CREATE TABLE parent (id BIGINT NOT NULL PRIMARY KEY)",
			"CREATE TABLE child (id BIGINT NOT NULL PRIMARY KEY, parent_id BIGINT, CONSTRAINT child_parent FOREIGN KEY (parent_id) REFERENCES parent (id))")
		assert.DeepEqual(t, d.tables(t, "dev"), []string{"child", "parent"})
		execConn(t, conn, "DROP TABLE parent", "DROP TABLE child", "SET FOREIGN_KEY_CHECKS=1")
		assert.DeepEqual(t, d.tables(t, "dev"), []string{})
	})
}

// TestMySQLEdgeStoredRoutines: triggers, procedures, functions and events are refused on every
// branch, whatever its safe migrations, and nothing of them reaches storage.
func TestMySQLEdgeStoredRoutines(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, append(opts, emulatortest.WithSafeMigrations())...)
		d := drEnv{e: e, c: client(t, e)}
		d.branchWith(t, "dev", "CREATE TABLE notes (id BIGINT NOT NULL PRIMARY KEY, body VARCHAR(50))")
		conn := oneConn(t, passwordDB(t, e, asSDK(edgePassword(t, e, "dev", map[string]any{"role": "admin"})), "app"))
		for _, stmt := range []string{
			"CREATE TRIGGER notes_bi BEFORE INSERT ON notes FOR EACH ROW SET NEW.body = UPPER(NEW.body)",
			"CREATE DEFINER=CURRENT_USER TRIGGER notes_bu BEFORE UPDATE ON notes FOR EACH ROW SET NEW.body = 'x'",
			"create /* c */ procedure p() SELECT 1",
			"CREATE FUNCTION f() RETURNS INT DETERMINISTIC RETURN 1",
			"CREATE EVENT ev ON SCHEDULE EVERY 1 DAY DO DELETE FROM notes",
			"DROP TRIGGER IF EXISTS notes_bi",
			"DROP PROCEDURE IF EXISTS p",
			"ALTER EVENT ev DISABLE",
			"PREPARE s FROM 'CREATE TRIGGER t2 BEFORE INSERT ON notes FOR EACH ROW SET NEW.id = 1'",
		} {
			_, err := conn.ExecContext(ctx(t), stmt)
			assert.Check(t, is.ErrorContains(err, "Error 1235 (42000): VT12001: unsupported"), stmt)
		}
		// Tables and views whose names look like routines are DDL as ever.
		execConn(t, conn, "CREATE TABLE trigger_log (id BIGINT NOT NULL PRIMARY KEY)",
			"CREATE OR REPLACE VIEW procedure_names AS SELECT id FROM trigger_log", "DROP VIEW procedure_names", "DROP TABLE trigger_log")
		execConn(t, conn, "INSERT INTO notes VALUES (1, 'low')")
		assert.DeepEqual(t, d.rows(t, "dev", "SELECT body FROM notes"), []string{"low"})
	})
}

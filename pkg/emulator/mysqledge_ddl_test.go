package emulator_test

import (
	"net/http"
	"testing"

	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// TestMySQLEdgeSafeMigrationsIndirectDDL: with safe migrations on, a statement that runs another
// runs no DDL: each is refused with the error of direct DDL, the schema unchanged.
func TestMySQLEdgeSafeMigrationsIndirectDDL(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, append(opts, emulatortest.WithSafeMigrations())...)
		pw := asSDK(edgePassword(t, e, "main", map[string]any{"role": "admin"}))
		conn := oneConn(t, passwordDB(t, e, pw, "app"))
		// Procedures cannot be made through the edge (stored routines are
		// not supported); these are made on storage, to check the CALL guard.
		execAll(t, adminDB(t, e, "app", "main"),
			"CREATE PROCEDURE make_table() CREATE TABLE by_procedure (id INT PRIMARY KEY)",
			"CREATE PROCEDURE add_note(v BIGINT) INSERT INTO notes VALUES (v)")
		// Made while safe migrations are still off.
		for _, stmt := range []string{
			"CREATE TABLE notes (id BIGINT NOT NULL PRIMARY KEY)",
			"PREPARE early FROM 'CREATE TABLE prepared_early (id INT PRIMARY KEY)'",
			"SET @ddl = 'CREATE TABLE t (id int primary key)'",
		} {
			_, err := conn.ExecContext(ctx(t), stmt)
			assert.NilError(t, err, stmt)
		}
		status, body := call(t, e, http.MethodPost, dbPath(e, "app")+"/branches/main/safe-migrations", nil)
		assert.Equal(t, status, http.StatusOK, string(body))
		storageDB, _ := e.BranchDatabase("app", "main")
		before, err := e.Storage().Schema(ctx(t), storageDB)
		assert.NilError(t, err)

		_, direct := conn.ExecContext(ctx(t), "CREATE TABLE t (id int primary key)")
		assert.ErrorContains(t, direct, "Error 1105 (HY000): direct DDL is disabled")
		for _, stmt := range []string{
			"PREPARE s FROM 'CREATE TABLE t (id int primary key)'",
			"EXECUTE s",
			"PREPARE s FROM @ddl",
			"EXECUTE early",
			"PREPARE s FROM CONCAT('CREATE TABLE t', ' (id int primary key)')", // MariaDB takes an expression
			"EXECUTE IMMEDIATE 'CREATE TABLE t (id int primary key)'",          // MariaDB
			"CALL make_table()",
			"PREPARE s FROM 'CALL make_table()'",
			"/*!50001 CREATE TABLE t (id int primary key) */",
			"/*M!100000 CREATE TABLE t (id int primary key) */",
			"# a comment\nCREATE TABLE t (id int primary key)",
			"BEGIN NOT ATOMIC CREATE TABLE t (id int primary key); END", // MariaDB
			"SET STATEMENT max_statement_time = 10 FOR CREATE TABLE t (id int primary key)",
		} {
			_, err := conn.ExecContext(ctx(t), stmt)
			assert.Check(t, is.Error(err, direct.Error()), stmt)
		}
		// The binary protocol's prepared statement.
		prepared, err := conn.PrepareContext(ctx(t), "CREATE TABLE t (id int primary key)")
		assert.NilError(t, err)
		_, err = prepared.ExecContext(ctx(t))
		assert.Check(t, is.Error(err, direct.Error()), "COM_STMT_EXECUTE")
		assert.NilError(t, prepared.Close())
		// A second statement in one text: the client did not ask for multi
		// statements, and "--1" is no comment to MySQL. Storage must not
		// run the second one; the schema check below tells.
		for _, text := range []string{"SELECT 1; CREATE TABLE t (id int primary key)", "SELECT 1 --1; CREATE TABLE t (id int primary key)"} {
			if rows, err := conn.QueryContext(ctx(t), text); err == nil {
				assert.NilError(t, rows.Close())
			}
		}

		_, routine := conn.ExecContext(ctx(t), "CREATE PROCEDURE p() CREATE TABLE t (id int primary key)")
		assert.Check(t, is.ErrorContains(routine, "Error 1235 (42000)"))

		after, err := e.Storage().Schema(ctx(t), storageDB)
		assert.NilError(t, err)
		assert.DeepEqual(t, after, before)
		_, found, err := e.Storage().Procedure(ctx(t), storageDB, "p")
		assert.NilError(t, err)
		assert.Check(t, !found, "CREATE PROCEDURE ran")

		t.Run("statements that change no schema still run", func(t *testing.T) {
			for _, stmt := range []string{
				"PREPARE ins FROM 'INSERT INTO notes VALUES (?)'",
				"SET @v = 1",
				"EXECUTE ins USING @v",
				"DEALLOCATE PREPARE ins",
				"CALL add_note(2)",
				"/*!40101 SET NAMES utf8mb4 */",
			} {
				_, err := conn.ExecContext(ctx(t), stmt)
				assert.NilError(t, err, stmt)
			}
			var n int
			assert.NilError(t, conn.QueryRowContext(ctx(t), "SELECT COUNT(*) FROM notes").Scan(&n))
			assert.Equal(t, n, 2)
		})
	})
}

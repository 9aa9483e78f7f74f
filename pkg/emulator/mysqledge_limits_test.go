package emulator_test

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// testLimits are PlanetScale's limits scaled down so that a test can cross
// them quickly.
var testLimits = emulator.Limits{MaxRows: 100, DMLTimeout: 2 * time.Second, SelectTimeout: 2 * time.Second, TxTimeout: time.Second}

// devPassword creates branch dev of app and a password of role on it.
func devPassword(t *testing.T, e *emulator.Emulator, role string) *ps.DatabaseBranchPassword {
	t.Helper()
	if _, ok := e.BranchDatabase("app", "dev"); !ok {
		createTestBranch(t, client(t, e), e, ps.CreateDatabaseBranchRequest{Database: "app", Name: "dev"})
	}
	return asSDK(edgePassword(t, e, "dev", map[string]any{"role": role}))
}

// limitsTable creates t with rows 1…n through db.
func limitsTable(t *testing.T, db *sql.DB, n int) {
	t.Helper()
	values := make([]string, n)
	for i := range values {
		values[i] = fmt.Sprintf("(%d, 'v')", i+1)
	}
	execAll(t, db, "CREATE TABLE t (id BIGINT NOT NULL PRIMARY KEY, v VARCHAR(10))",
		"INSERT INTO t VALUES "+strings.Join(values, ", "))
}

// count is the number of rows of t, read through db.
func count(t *testing.T, db *sql.DB, where string) int {
	t.Helper()
	var n int
	assert.NilError(t, db.QueryRowContext(ctx(t), "SELECT COUNT(*) FROM t "+where).Scan(&n))
	return n
}

// mysqlError is err as the driver's *mysql.MySQLError.
func mysqlError(t *testing.T, err error) *mysql.MySQLError {
	t.Helper()
	var me *mysql.MySQLError
	assert.Assert(t, errors.As(err, &me), "want a MySQL error, got %v", err)
	return me
}

func TestMySQLEdgeRowLimit(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, append(opts, emulatortest.WithLimits(testLimits))...)
		pw := devPassword(t, e, "admin")
		db := passwordDB(t, e, pw, "app")
		// An INSERT of more rows than the limit goes through: the limit is
		// on rows "returned, updated, or deleted" (planetscale-system-
		// limits), and vttablet bounds no INSERT (PlanInsert runs without
		// verifyRowCount).
		limitsTable(t, db, 101)

		_, err := db.QueryContext(ctx(t), "SELECT * FROM t")
		me := mysqlError(t, err)
		assert.Check(t, is.Equal(me.Number, uint16(1105)))
		assert.Check(t, is.Equal(me.Message, "target: app.-.primary: vttablet: rpc error: code = Aborted desc = Row count exceeded 100 (CallerID: "+pw.Username+")"))
		rows, err := db.QueryContext(ctx(t), "SELECT * FROM t LIMIT 100")
		assert.NilError(t, err)
		assert.NilError(t, rows.Close())

		for _, stmt := range []string{"DELETE FROM t", "UPDATE t SET v = 'w'", "DELETE FROM t WHERE id > 0"} {
			_, err = db.ExecContext(ctx(t), stmt)
			assert.Check(t, is.ErrorContains(err, "code = Aborted desc = caller id: "+pw.Username+": row count exceeded 100"), stmt)
		}
		assert.Check(t, is.Equal(count(t, db, ""), 101), "a refused DELETE is rolled back")
		assert.Check(t, is.Equal(count(t, db, "WHERE v = 'w'"), 0), "a refused UPDATE is rolled back")

		// Within a transaction the refusal rolls the whole transaction
		// back, as vtgate does after an Aborted error.
		conn := oneConn(t, db)
		for _, stmt := range []string{"BEGIN", "INSERT INTO t VALUES (1000, 'tx')"} {
			_, err = conn.ExecContext(ctx(t), stmt)
			assert.NilError(t, err)
		}
		_, err = conn.ExecContext(ctx(t), "UPDATE t SET v = 'w'")
		assert.Check(t, is.ErrorContains(err, "row count exceeded 100"))
		_, err = conn.ExecContext(ctx(t), "COMMIT")
		assert.NilError(t, err)
		assert.Check(t, is.Equal(count(t, db, "WHERE id = 1000"), 0))

		// A DML with its own LIMIT, or that changes few rows, runs.
		res, err := db.ExecContext(ctx(t), "DELETE FROM t WHERE id <= 50")
		assert.NilError(t, err)
		n, err := res.RowsAffected()
		assert.NilError(t, err)
		assert.Check(t, is.Equal(n, int64(50)))
		assert.Check(t, is.Equal(count(t, db, ""), 51))
	})
}

func TestMySQLEdgeTransactionTimeout(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, append(opts, emulatortest.WithLimits(testLimits))...)
		pw := devPassword(t, e, "admin")
		db := passwordDB(t, e, pw, "app")
		limitsTable(t, db, 1)

		t.Run("killed while a statement runs", func(t *testing.T) {
			conn := oneConn(t, db)
			for _, stmt := range []string{"BEGIN", "INSERT INTO t VALUES (10, 'a')"} {
				_, err := conn.ExecContext(ctx(t), stmt)
				assert.NilError(t, err)
			}
			_, err := conn.ExecContext(ctx(t), "SELECT SLEEP(1.6)")
			me := mysqlError(t, err)
			assert.Check(t, is.Equal(me.Number, uint16(1105)))
			assert.Check(t, is.Regexp(`^target: app\.-\.primary: vttablet: rpc error: code = Aborted desc = transaction \d+: ended at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC \(exceeded timeout: 1s\) \(CallerID: `, me.Message))
			_, err = conn.ExecContext(ctx(t), "COMMIT")
			assert.NilError(t, err)
			assert.Check(t, is.Equal(count(t, db, "WHERE id = 10"), 0), "the killed transaction committed")
		})
		t.Run("killed while idle", func(t *testing.T) {
			conn := oneConn(t, db)
			for _, stmt := range []string{"BEGIN", "INSERT INTO t VALUES (11, 'a')"} {
				_, err := conn.ExecContext(ctx(t), stmt)
				assert.NilError(t, err)
			}
			time.Sleep(1500 * time.Millisecond)
			_, err := conn.ExecContext(ctx(t), "COMMIT")
			assert.Check(t, is.ErrorContains(err, "(exceeded timeout: 1s)"))
			assert.Check(t, is.Equal(count(t, db, "WHERE id = 11"), 0), "the killed transaction committed")
			// The session goes on outside a transaction.
			_, err = conn.ExecContext(ctx(t), "INSERT INTO t VALUES (12, 'b')")
			assert.NilError(t, err)
			assert.Check(t, is.Equal(count(t, db, "WHERE id = 12"), 1))
		})
		t.Run("a rollback of the killed one", func(t *testing.T) {
			conn := oneConn(t, db)
			_, err := conn.ExecContext(ctx(t), "BEGIN")
			assert.NilError(t, err)
			time.Sleep(1500 * time.Millisecond)
			_, err = conn.ExecContext(ctx(t), "ROLLBACK")
			assert.NilError(t, err)
		})
		t.Run("a short transaction commits", func(t *testing.T) {
			conn := oneConn(t, db)
			for _, stmt := range []string{"BEGIN", "INSERT INTO t VALUES (13, 'a')", "COMMIT"} {
				_, err := conn.ExecContext(ctx(t), stmt)
				assert.NilError(t, err)
			}
			time.Sleep(1200 * time.Millisecond) // the clock stopped with the commit
			var one int
			assert.NilError(t, conn.QueryRowContext(ctx(t), "SELECT 1").Scan(&one))
			assert.Check(t, is.Equal(count(t, db, "WHERE id = 13"), 1))
		})
	})
}

func TestMySQLEdgeStatementTimeout(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, append(opts, emulatortest.WithLimits(emulator.Limits{DMLTimeout: time.Second, SelectTimeout: time.Second}))...)
		pw := devPassword(t, e, "admin")
		db := passwordDB(t, e, pw, "app")
		limitsTable(t, db, 1)
		conn := oneConn(t, db)
		for _, stmt := range []string{"SELECT SLEEP(3)", "UPDATE t SET v = 'x' WHERE SLEEP(3) = 0"} {
			start := time.Now()
			_, err := conn.ExecContext(ctx(t), stmt)
			me := mysqlError(t, err)
			assert.Check(t, is.Equal(me.Number, uint16(3024)), stmt)
			assert.Check(t, is.Contains(me.Message, "vttablet: rpc error: code = Canceled desc = (errno 3024) (sqlstate HY000): Query execution was interrupted, maximum statement execution time exceeded"), stmt)
			assert.Check(t, time.Since(start) < 2500*time.Millisecond, "%s ran %v", stmt, time.Since(start))
			var one int
			assert.NilError(t, conn.QueryRowContext(ctx(t), "SELECT 1").Scan(&one), "the session goes on")
		}
		assert.Check(t, is.Equal(count(t, db, "WHERE v = 'x'"), 0))
	})
}

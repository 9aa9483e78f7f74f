package edge

import (
	"fmt"
	"time"

	"github.com/dolthub/vitess/go/mysql"
)

// tabletError is a vttablet error as clients get it through vtgate: ERROR 1105 "target:
// <keyspace>.-.<tablet type>: vttablet: rpc error: …" (docs/design/emulator-edge.md).
func (s *session) tabletError(code, format string, args ...any) error {
	return s.tabletErrorNum(mysql.ERUnknownError, code, format, args...)
}

// tabletErrorNum is tabletError with another MySQL errno, which vtgate reads from the
// message ("(errno 3024) (sqlstate HY000)", vitess go/mysql/sqlerror/sql_error.go).
func (s *session) tabletErrorNum(num int, code, format string, args ...any) error {
	return mysql.NewSQLError(num, mysql.SSUnknownSQLState, "target: %s.-.%s: vttablet: rpc error: code = %s desc = %s (CallerID: %s)",
		s.acct.Database, s.tabletType(), code, fmt.Sprintf(format, args...), s.acct.User)
}

// errRowCount is vttablet's refusal of a read of more than maxRows rows (vitess
// go/mysql/query.go ReadQueryResult: "Row count exceeded %d", Code_ABORTED).
func (s *session) errRowCount(maxRows int) error {
	return s.tabletError("Aborted", "Row count exceeded %d", maxRows)
}

// errDMLRowCount is vttablet's refusal of an UPDATE or DELETE of more than maxRows rows,
// rolled back (vitess go/vt/vttablet/tabletserver/query_executor.go verifyRowCount).
func (s *session) errDMLRowCount(maxRows int) error {
	return s.tabletError("Aborted", "caller id: %s: row count exceeded %d", s.acct.User, maxRows)
}

// errQueryTimeout is vttablet's errno 3024 for a statement killed at its deadline (vitess
// go/vt/vttablet/tabletserver/connpool/dbconn.go killQuery), which vtgate reads out.
func (s *session) errQueryTimeout(elapsed time.Duration, id int64) error {
	return s.tabletErrorNum(3024, "Canceled",
		"(errno 3024) (sqlstate HY000): Query execution was interrupted, maximum statement execution time exceeded, elapsed time: %v, killing query ID %d",
		elapsed.Round(time.Millisecond), id)
}

// errTxKilled is what a statement of a transaction the killer rolled back is told (vitess
// go/pools/numbered.go Get, go/vt/vttablet/tabletserver/tx_pool.go).
func (s *session) errTxKilled(k txKill) error {
	return s.tabletError("Aborted", "transaction %d: ended at %s (exceeded timeout: %v)",
		k.id, k.at.UTC().Format("2006-01-02 15:04:05.000 MST"), k.timeout)
}

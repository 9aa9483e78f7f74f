package edge

import (
	"fmt"
	"time"

	"github.com/dolthub/vitess/go/mysql"
)

// Limits are PlanetScale's query limits, which the edge enforces as
// vttablet does. The numbers are those of planetscale.com/docs/reference/
// planetscale-system-limits ("Query limits"): "Per-query rows returned,
// updated, or deleted: 100k", "Per-query DML timeout: 30s", "Per-query
// SELECT timeout: 900s", "Per-transaction timeout: 20s". A zero field
// takes that default; a negative one turns the limit off.
type Limits struct {
	// MaxRows bounds the rows a statement returns, updates or deletes.
	MaxRows int
	// DMLTimeout bounds a statement other than a read.
	DMLTimeout time.Duration
	// SelectTimeout bounds a read (SELECT, SHOW, …).
	SelectTimeout time.Duration
	// TxTimeout bounds a transaction: one open longer is rolled back.
	TxTimeout time.Duration
}

// The defaults of Limits: PlanetScale's.
const (
	DefaultMaxRows       = 100_000
	DefaultDMLTimeout    = 30 * time.Second
	DefaultSelectTimeout = 900 * time.Second
	DefaultTxTimeout     = 20 * time.Second
)

// resolved is l with its zero fields set to the defaults and its negative
// ones to 0 (off).
func (l Limits) resolved() Limits {
	pick := func(v, def time.Duration) time.Duration {
		switch {
		case v == 0:
			return def
		case v < 0:
			return 0
		}
		return v
	}
	out := Limits{
		DMLTimeout:    pick(l.DMLTimeout, DefaultDMLTimeout),
		SelectTimeout: pick(l.SelectTimeout, DefaultSelectTimeout),
		TxTimeout:     pick(l.TxTimeout, DefaultTxTimeout),
		MaxRows:       l.MaxRows,
	}
	switch {
	case l.MaxRows == 0:
		out.MaxRows = DefaultMaxRows
	case l.MaxRows < 0:
		out.MaxRows = 0
	}
	return out
}

// tabletError is an error of vttablet as PlanetScale's clients receive it
// through vtgate: ERROR 1105 (HY000) "target: <keyspace>.-.<tablet type>:
// vttablet: rpc error: code = <code> desc = <message> (CallerID: <user>)".
// The form is the one PlanetScale's users quote: "target: test-db.-.primary:
// vttablet: rpc error: code = Aborted desc = transaction 1682305339595512410:
// ended at 2023-04-24 20:22:08.207 UTC (exceeded timeout: 20s) (CallerID:
// mmixrh8z5nl9v49zo787)" with code 1105 (github.com/prisma/prisma issue
// 18909), "… code = Aborted desc = Row count exceeded 100000 (CallerID: …)"
// (github.com/t3-oss/create-t3-turbo issue 792) and "ERROR 1105 (HY000):
// target: legacy2023.0.primary: vttablet: rpc error: code = PermissionDenied
// desc = Select command denied to user 'root' for table 'my_cte' (ACL check
// error) (CallerID: root)" (github.com/vitessio/vitess issue 16542). An
// unsharded keyspace's one shard is "-", and PlanetScale's keyspace is the
// database's name.
func (s *session) tabletError(code, format string, args ...any) error {
	return s.tabletErrorNum(mysql.ERUnknownError, code, format, args...)
}

// tabletErrorNum is tabletError with another MySQL error number, for a
// message vtgate reads one from ("(errno 3024) (sqlstate HY000)", vitess
// go/mysql/sqlerror/sql_error.go NewSQLErrorFromError).
func (s *session) tabletErrorNum(num int, code, format string, args ...any) error {
	return mysql.NewSQLError(num, mysql.SSUnknownSQLState, "target: %s.-.%s: vttablet: rpc error: code = %s desc = %s (CallerID: %s)",
		s.acct.Database, s.tabletType(), code, fmt.Sprintf(format, args...), s.acct.User)
}

// errRowCount is vttablet's refusal of a read of more than maxRows rows,
// the listener's own words (vitess go/mysql/query.go ReadQueryResult:
// vterrors.Errorf(vtrpc.Code_ABORTED, "Row count exceeded %d", maxrows)).
func (s *session) errRowCount(maxRows int) error {
	return s.tabletError("Aborted", "Row count exceeded %d", maxRows)
}

// errDMLRowCount is vttablet's refusal of an UPDATE or DELETE of more
// than maxRows rows, which it has rolled back (vitess go/vt/vttablet/
// tabletserver/query_executor.go execDMLLimit and verifyRowCount:
// "caller id: %s: row count exceeded %d").
func (s *session) errDMLRowCount(maxRows int) error {
	return s.tabletError("Aborted", "caller id: %s: row count exceeded %d", s.acct.User, maxRows)
}

// errQueryTimeout is vttablet's answer for a statement it killed at its
// deadline (vitess go/vt/vttablet/tabletserver/connpool/dbconn.go
// getErrorMessageFromContextError and killQuery: "(errno 3024) (sqlstate
// HY000): Query execution was interrupted, maximum statement execution
// time exceeded, elapsed time: …, killing query ID …"). vtgate reads the
// error number 3024 out of the message.
func (s *session) errQueryTimeout(elapsed time.Duration, id int64) error {
	return s.tabletErrorNum(3024, "Canceled",
		"(errno 3024) (sqlstate HY000): Query execution was interrupted, maximum statement execution time exceeded, elapsed time: %v, killing query ID %d",
		elapsed.Round(time.Millisecond), id)
}

// errTxKilled is what a statement of a transaction the transaction killer
// rolled back is told (vitess go/pools/numbered.go Get: "ended at %v
// (%v)", with the time in "2006-01-02 15:04:05.000 MST", and go/vt/
// vttablet/tabletserver/tx_pool.go: "transaction %d: %v", the reason
// "exceeded timeout: %v").
func (s *session) errTxKilled(k txKill) error {
	return s.tabletError("Aborted", "transaction %d: ended at %s (exceeded timeout: %v)",
		k.id, k.at.UTC().Format("2006-01-02 15:04:05.000 MST"), k.timeout)
}

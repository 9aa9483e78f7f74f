package sqlload

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/go-sql-driver/mysql"
)

// erEmptyQuery is the server's answer to a statement with nothing to run,
// such as an executable comment for a newer version.
const erEmptyQuery = 1065

// loader is the state of one Load call. Its fields are used by the
// dispatching goroutine only, except where noted.
type loader struct {
	ctx     context.Context // cancelled with the first error
	fail    context.CancelCauseFunc
	opt     Options
	main    *sql.Conn // session connection: session, schema and other statements
	workers []*worker
	wg      sync.WaitGroup
	budget  *budget   // shared with workers
	tr      *tracker  // shared with workers
	session []session // session statements run so far, replayed by workers
	span    int64     // bytes of its file the statement being dispatched spans

	maxPacket    int64
	fkChecks     bool
	groups       fkGroups // tables joined by foreign keys, read when needed
	groupsLoaded bool
	assign       map[string]*worker // table group → worker, until the next barrier
	temp         map[string]bool    // temporary tables, which live on main only
}

// session is a session statement with the file it came from.
type session struct {
	file string
	st   Statement
}

// execer runs a statement: a connection or a transaction.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// execStatement runs one statement and returns the rows it affected.
func execStatement(ctx context.Context, e execer, file string, st Statement) (int64, error) {
	res, err := e.ExecContext(ctx, st.Text)
	var me *mysql.MySQLError
	switch {
	case errors.As(err, &me) && me.Number == erEmptyQuery:
		return 0, nil
	case err != nil:
		return 0, statementError(file, st, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, nil
	}
	return n, nil
}

// statementError wraps err with the statement's place in its file.
func statementError(file string, st Statement, err error) error {
	return NewStatementError(file, st, err)
}

// jobQueue is how many statements may wait for one worker.
const jobQueue = 256

// job is a unit of work for a worker: a statement, or a flush request.
type job struct {
	st      Statement
	fs      *fileState
	session []session // session statements to have run before st
	batch   bool      // run st inside the batch transaction
	size    int64     // budget to give back
	span    int64     // bytes of its file st spans
	flush   chan struct{}
}

// worker runs statements for its tables on its own connection.
type worker struct {
	ld     *loader
	conn   *sql.Conn
	jobs   chan job
	queued atomic.Int64 // bytes queued or running
	groups int          // table groups assigned; dispatcher only

	tx      *sql.Tx
	txBytes int
	txFirst session   // first statement of the open transaction
	txRan   []ranStep // what the open transaction ran, per file
	applied int       // session statements replayed on conn
}

// ranStep counts statements of one file run in the open transaction.
type ranStep struct {
	fs         *fileState
	statements int64
	rows       int64
	bytes      int64
}

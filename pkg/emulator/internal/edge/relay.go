package edge

import (
	"context"
	"errors"
	"math"
	"strings"
	"sync/atomic"
	"time"

	"github.com/dolthub/vitess/go/mysql"
	"github.com/dolthub/vitess/go/sqltypes"
)

// maxRows bounds the rows of one result, which is read whole: vitess'
// streaming client drops the OK packet's counts.
const maxRows = math.MaxInt32

// relay runs sql on storage within timeout (0: none) and returns its
// result, keeping its warning count and transaction state for the client.
func (s *session) relay(ctx context.Context, sql string, timeout time.Duration) (*sqltypes.Result, error) {
	if s.h.serialize != nil && strings.Contains(strings.ToLower(sql), "information_schema") {
		defer s.h.serialize()()
	}
	res, status, warnings, err := s.run(ctx, sql, timeout, s.h.limits.MaxRows)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.warnings = warnings
	s.mu.Unlock()
	s.setStatus(status)
	return res, nil
}

// setStatus passes storage's transaction state on to the client, and
// starts or stops the transaction's clock.
func (s *session) setStatus(status uint16) {
	const mask = mysql.ServerInTransaction | mysql.ServerStatusAutocommit
	s.c.StatusFlags = s.c.StatusFlags&^mask | status&mask
	s.trackTx(status&mysql.ServerInTransaction != 0)
}

// relayQuiet runs a query of the edge's own on storage, leaving what the
// client sees of the session (warning count, status flags) as it was.
func (s *session) relayQuiet(ctx context.Context, sql string) (*sqltypes.Result, error) {
	res, _, _, err := s.run(ctx, sql, 0, 0)
	return res, err
}

// run runs sql on storage and returns its first result, as vtgate passes one on per
// statement; over limit rows fails, past timeout it is killed, 0 for none (limits.go).
func (s *session) run(ctx context.Context, sql string, timeout time.Duration, limit int) (*sqltypes.Result, uint16, uint16, error) {
	b, err := s.conn(ctx)
	if err != nil {
		return nil, 0, 0, err
	}
	rows := maxRows
	if limit > 0 {
		rows = limit
	}
	var timedOut atomic.Bool
	start := time.Now()
	if timeout > 0 {
		inTx := s.c.StatusFlags&mysql.ServerInTransaction != 0
		t := time.AfterFunc(timeout, func() {
			timedOut.Store(true)
			s.kill(b, !inTx)
		})
		defer t.Stop()
	}
	if err := b.WriteComQuery(sql); err != nil {
		return nil, 0, 0, s.ended(b, err, &timedOut, start)
	}
	res, status, warnings, err := b.ReadQueryResult(ctx, rows, true)
	for err == nil && uint16(status)&mysql.ServerMoreResultsExists != 0 {
		_, status, _, err = b.ReadQueryResult(ctx, rows, false)
	}
	if err != nil || timedOut.Load() {
		return nil, 0, 0, s.ended(b, err, &timedOut, start)
	}
	return res, uint16(status), warnings, nil
}

// ended is the error of a statement that failed or was killed: the transaction
// killer's, the statement timeout's, the row limit's, or storage's own.
func (s *session) ended(b *mysql.Conn, err error, timedOut *atomic.Bool, start time.Time) error {
	if k := s.takeKill(); k != nil {
		return s.errTxKilled(*k)
	}
	if timedOut.Load() {
		return s.errQueryTimeout(time.Since(start), b.ID())
	}
	var se *mysql.SQLError
	if errors.As(err, &se) && se.Num == mysql.ERVitessMaxRowsExceeded {
		return s.errRowCount(s.h.limits.MaxRows)
	}
	return s.fail(b, err)
}

// fail passes a storage error on; a client-side one (the connection broke) also drops
// the connection, so that the client's next command opens a fresh one.
func (s *session) fail(b *mysql.Conn, err error) error {
	var se *mysql.SQLError
	if !errors.As(err, &se) || se.Num >= mysql.CRUnknownError && se.Num < mysql.CRUnknownError+1000 {
		b.Close()
	}
	return err
}

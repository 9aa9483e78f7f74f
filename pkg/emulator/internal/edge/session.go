package edge

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/dolthub/vitess/go/mysql"
	"github.com/dolthub/vitess/go/sqltypes"
)

// session is one client connection and its storage connection, opened
// when the first command needs it.
type session struct {
	h    *handler
	c    *mysql.Conn
	acct Account

	// prepared is what each statement PREPARE made on the storage
	// session holds, by name; only the connection's own goroutine uses it.
	prepared map[string]statement

	mu       sync.Mutex
	backend  *mysql.Conn
	closed   bool
	warnings uint16 // of the last statement
	target   string // the tablet type of the last USE or handshake; "" is primary
	chose    string // the database the last USE or handshake named, as named
	tx       txState
}

// utf8mb4GeneralCI is the collation of a client that names none: one
// MySQL and MariaDB both know.
const utf8mb4GeneralCI = 45

// connectTimeout bounds the login to storage.
const connectTimeout = 15 * time.Second

// conn returns the storage connection, opening it on the branch's database as the
// password's own MySQL user, with the client's collation and CLIENT_FOUND_ROWS choice.
func (s *session) conn(ctx context.Context) (*mysql.Conn, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, mysql.NewSQLError(mysql.CRServerGone, mysql.SSUnknownSQLState, "the edge is shutting down")
	}
	if s.backend != nil && !s.backend.IsClosed() {
		return s.backend, nil
	}
	params, err := s.params()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	b, err := mysql.Connect(ctx, params)
	if err != nil {
		return nil, err
	}
	if err := singleStatements(b, connectTimeout); err != nil {
		b.Close()
		return nil, err
	}
	if s.backend != nil {
		s.prepared = map[string]statement{} // gone with the old session
	}
	s.backend = b
	return b, nil
}

// params are a storage connection's as the password's own MySQL user, on the branch's
// database, with the client's collation and its CLIENT_FOUND_ROWS choice.
func (s *session) params() (*mysql.ConnParams, error) {
	collation := int(s.c.CharacterSet)
	if collation == 0 {
		collation = utf8mb4GeneralCI
	}
	params := &mysql.ConnParams{
		Uname: s.acct.User, Pass: s.acct.Password, DbName: s.acct.Storage,
		Charset: strconv.Itoa(collation), ConnectTimeoutMs: uint64(connectTimeout.Milliseconds()),
	}
	if s.h.storageNet == "unix" {
		params.UnixSocket = s.h.storage
	} else {
		host, portText, err := net.SplitHostPort(s.h.storage)
		if err != nil {
			return nil, fmt.Errorf("storage address %s: %w", s.h.storage, err)
		}
		if params.Port, err = strconv.Atoi(portText); err != nil {
			return nil, fmt.Errorf("storage address %s: %w", s.h.storage, err)
		}
		params.Host = host
	}
	if s.c.Capabilities&mysql.CapabilityClientFoundRows != 0 {
		params.Flags |= mysql.CapabilityClientFoundRows
	}
	return params, nil
}

// singleStatements turns multi statements off on a storage connection (COM_SET_OPTION),
// so each statement the edge checks is one to storage too (docs/design/emulator-edge.md).
func singleStatements(b *mysql.Conn, timeout time.Duration) error {
	if err := b.Conn.SetDeadline(time.Now().Add(timeout)); err != nil {
		return err
	}
	defer func() { _ = b.Conn.SetDeadline(time.Time{}) }()
	// Payload length 3, sequence 0; COM_SET_OPTION, option 1 (uint16).
	if _, err := b.Conn.Write([]byte{3, 0, 0, 0, mysql.ComSetOption, 1, 0}); err != nil {
		return fmt.Errorf("turn multi statements off on storage: %w", err)
	}
	var header [4]byte
	if _, err := io.ReadFull(b.Conn, header[:]); err != nil {
		return fmt.Errorf("turn multi statements off on storage: %w", err)
	}
	payload := make([]byte, int(header[0])|int(header[1])<<8|int(header[2])<<16)
	if _, err := io.ReadFull(b.Conn, payload); err != nil {
		return fmt.Errorf("turn multi statements off on storage: %w", err)
	}
	if len(payload) == 0 || payload[0] == mysql.ErrPacket {
		return fmt.Errorf("turn multi statements off on storage: refused (%q)", payload)
	}
	return nil
}

// close closes the storage connection, which also ends a statement it is
// running.
func (s *session) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	s.tx.stop()
	if s.backend != nil {
		s.backend.Close()
	}
}

// query runs a client's statement through guard, authorize and rewriteToStorage, then
// relays it within the limits; a USE maps to storage, the answer to the client's name.
func (s *session) query(ctx context.Context, sql string, more bool, callback mysql.ResultSpoolFn) error {
	if k := s.takeKill(); k != nil {
		// vtgate rolls a session's transaction back after an Aborted
		// error (vitess go/vt/vtgate/scatter_conn.go endAction,
		// SetRollback); a ROLLBACK of the ended one has nothing to do.
		if t, _ := (&lexer{sql: sql}).next(); t.kind == tokWord && t.text == "rollback" {
			return callback(&sqltypes.Result{}, more)
		}
		return s.errTxKilled(*k)
	}
	st := classify(sql)
	if st.kind == stmtUse {
		name, err := useTarget(sql)
		if err != nil {
			return err
		}
		storage, tablet, err := storageName(s.acct, name)
		if err != nil {
			return err
		}
		res, err := s.relay(ctx, "USE "+quoteID(storage), 0)
		if err != nil {
			return renameError(err, s.acct)
		}
		s.setTarget(name, tablet)
		return callback(res, more)
	}
	if err := s.guard(ctx, st); err != nil {
		return err
	} else if st.kind == stmtDDL && !utf8.ValidString(sql) {
		return invalidUTF8(sql)
	}
	if err := s.authorizeStatement(ctx, st, sql); err != nil {
		return err
	}
	res, err := s.limited(ctx, rewriteToStorage(sql, s.acct))
	if err != nil {
		return renameError(err, s.acct)
	}
	if st.changesSchema() {
		s.h.dir.SchemaChanged(s.acct.User)
	}
	renameResult(res, s.acct)
	return callback(res, more)
}

// authorizeStatement authorizes st, or for a statement that runs another
// the one it runs.
func (s *session) authorizeStatement(ctx context.Context, st statement, sql string) error {
	switch st.kind {
	case stmtPrepare, stmtExecute:
		if p, ok := s.prepared[st.name]; ok && p.text != "" {
			return s.authorize(p.text)
		}
		return nil
	case stmtExecuteNow:
		if p := s.prepareText(ctx, st.source); p.text != "" {
			return s.authorize(p.text)
		}
		return nil
	}
	return s.authorize(sql)
}

// use switches the storage session to the database a COM_INIT_DB or the
// handshake names, mapped by storageName.
func (s *session) use(ctx context.Context, name string) error {
	storage, tablet, err := storageName(s.acct, name)
	if err != nil {
		return err
	}
	if _, err = s.relay(ctx, "USE "+quoteID(storage), 0); err != nil {
		return renameError(err, s.acct)
	}
	s.setTarget(name, tablet)
	return nil
}

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

// warningCount is the warning count of the last statement.
func (s *session) warningCount() uint16 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.warnings
}

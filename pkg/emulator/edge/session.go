package edge

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/dolthub/vitess/go/mysql"
	"github.com/dolthub/vitess/go/sqltypes"
)

// session is one client connection and its storage connection, opened
// when the first command needs it.
type session struct {
	h    *handler
	c    *mysql.Conn
	acct Account

	mu       sync.Mutex
	backend  *mysql.Conn
	closed   bool
	warnings uint16 // of the last statement
}

// errDirectDDL is PlanetScale's refusal of DDL on a branch with safe
// migrations on: "You'll see a `ERROR 1105 (HY000): direct DDL is
// disabled` message if you attempt to make schema changes in a branch
// with safe migrations enabled" (planetscale.com/docs/vitess/
// schema-changes/branching).
var errDirectDDL = mysql.NewSQLError(mysql.ERUnknownError, mysql.SSUnknownSQLState, "direct DDL is disabled")

// utf8mb4GeneralCI is the collation of a client that names none: one
// MySQL and MariaDB both know.
const utf8mb4GeneralCI = 45

// connectTimeout bounds the login to storage.
const connectTimeout = 15 * time.Second

// conn returns the storage connection, opening it on the branch's
// database as the password's own MySQL user, with the client's collation
// and its CLIENT_FOUND_ROWS choice.
func (s *session) conn(ctx context.Context) (*mysql.Conn, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, mysql.NewSQLError(mysql.CRServerGone, mysql.SSUnknownSQLState, "the edge is shutting down")
	}
	if s.backend != nil && !s.backend.IsClosed() {
		return s.backend, nil
	}
	host, portText, err := net.SplitHostPort(s.h.storage)
	if err != nil {
		return nil, fmt.Errorf("storage address %s: %w", s.h.storage, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return nil, fmt.Errorf("storage address %s: %w", s.h.storage, err)
	}
	collation := int(s.c.CharacterSet)
	if collation == 0 {
		collation = utf8mb4GeneralCI
	}
	params := &mysql.ConnParams{
		Host: host, Port: port, Uname: s.acct.User, Pass: s.acct.Password, DbName: s.acct.Storage,
		Charset: strconv.Itoa(collation), ConnectTimeoutMs: uint64(connectTimeout.Milliseconds()),
	}
	if s.c.Capabilities&mysql.CapabilityClientFoundRows != 0 {
		params.Flags |= mysql.CapabilityClientFoundRows
	}
	ctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	b, err := mysql.Connect(ctx, params)
	if err != nil {
		return nil, err
	}
	s.backend = b
	return b, nil
}

// close closes the storage connection, which also ends a statement it is
// running.
func (s *session) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	if s.backend != nil {
		s.backend.Close()
	}
}

// query runs one statement the client sent, as text: a USE is mapped to
// the branch's storage database, DDL is refused while the branch has safe
// migrations on, and the rest goes to storage as it came.
func (s *session) query(ctx context.Context, sql string, more bool, callback mysql.ResultSpoolFn) error {
	switch classify(sql) {
	case stmtUse:
		name, err := useTarget(sql)
		if err != nil {
			return err
		}
		storage, err := storageName(s.acct, name)
		if err != nil {
			return err
		}
		sql = "USE " + quoteID(storage)
	case stmtDDL:
		if !s.h.dir.DirectDDL(s.acct.User) {
			return errDirectDDL
		}
	}
	res, err := s.relay(ctx, sql)
	if err != nil {
		return err
	}
	return callback(res, more)
}

// use switches the storage session to the database a COM_INIT_DB or the
// handshake names, mapped by storageName.
func (s *session) use(ctx context.Context, name string) error {
	storage, err := storageName(s.acct, name)
	if err != nil {
		return err
	}
	_, err = s.relay(ctx, "USE "+quoteID(storage))
	return err
}

// maxRows bounds the rows of one result, which is read whole: vitess'
// streaming client drops the OK packet's counts.
const maxRows = math.MaxInt32

// relay runs sql on storage and returns its result. A CALL may answer
// with several results: the client gets the first, and the others are
// read and dropped, as vtgate passes on one result per statement.
func (s *session) relay(ctx context.Context, sql string) (*sqltypes.Result, error) {
	b, err := s.conn(ctx)
	if err != nil {
		return nil, err
	}
	if err := b.WriteComQuery(sql); err != nil {
		return nil, s.fail(b, err)
	}
	res, status, warnings, err := b.ReadQueryResult(ctx, maxRows, true)
	for err == nil && uint16(status)&mysql.ServerMoreResultsExists != 0 {
		_, status, _, err = b.ReadQueryResult(ctx, maxRows, false)
	}
	if err != nil {
		return nil, s.fail(b, err)
	}
	s.mu.Lock()
	s.warnings = warnings
	s.mu.Unlock()
	const mask = mysql.ServerInTransaction | mysql.ServerStatusAutocommit
	s.c.StatusFlags = s.c.StatusFlags&^mask | uint16(status)&mask
	return res, nil
}

// fail passes a storage error on; a client-side error (the storage
// connection broke) also drops the connection, so that the client's next
// command opens a fresh one.
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

package edge

import (
	"sync"
	"time"

	"github.com/dolthub/vitess/go/mysql"
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

// handler serves the edge's connections: each one's commands go to its
// session.
type handler struct {
	dir        Directory
	storage    string // host:port of the storage server, or its socket's path
	storageNet string // "tcp" or "unix"
	limits     Limits // resolved: zero fields are off
	serialize  func() (unlock func())

	mu       sync.Mutex
	sessions map[*mysql.Conn]*session
}

// newSession is a session of acct for the client c, whose storage
// connection its first statement opens.
func newSession(h *handler, c *mysql.Conn, acct Account) *session {
	return &session{h: h, c: c, acct: acct, prepared: map[string]statement{}}
}

// txState is the clock of a session's open transaction.
type txState struct {
	timer  *time.Timer // fires at the transaction timeout; nil outside a transaction
	id     int64       // the transaction's id, vttablet-like: when it started, in ns
	killed *txKill     // the transaction the killer ended, until the client hears of it
}

// txKill is a transaction the transaction killer rolled back.
type txKill struct {
	id      int64
	at      time.Time
	timeout time.Duration
}

// stop stops the clock.
func (t *txState) stop() {
	if t.timer != nil {
		t.timer.Stop()
		t.timer = nil
	}
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

// warningCount is the warning count of the last statement.
func (s *session) warningCount() uint16 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.warnings
}

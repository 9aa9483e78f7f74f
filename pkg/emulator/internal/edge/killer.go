package edge

import (
	"context"
	"time"

	"github.com/dolthub/vitess/go/mysql"
)

// trackTx starts the transaction clock when storage says a transaction is open and
// stops it when not, for vttablet's transaction killer (docs/design/emulator-edge.md).
func (s *session) trackTx(open bool) {
	timeout := s.h.limits.TxTimeout
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case open && s.tx.timer == nil && timeout > 0:
		id := time.Now().UnixNano()
		s.tx.id = id
		s.tx.timer = time.AfterFunc(timeout, func() { s.killTx(id, timeout) })
	case !open:
		s.tx.stop()
	}
}

// killTx rolls back transaction id by killing its storage connection, as
// vttablet does, and keeps what happened for the client's next statement.
func (s *session) killTx(id int64, timeout time.Duration) {
	s.mu.Lock()
	if s.tx.timer == nil || s.tx.id != id || s.closed {
		s.mu.Unlock()
		return
	}
	s.tx.timer = nil
	s.tx.killed = &txKill{id: id, at: time.Now(), timeout: timeout}
	b := s.backend
	s.mu.Unlock()
	if b != nil {
		s.kill(b, false)
	}
}

// takeKill returns the transaction the killer ended since the client last
// heard, if any, and leaves the client outside a transaction.
func (s *session) takeKill() *txKill {
	s.mu.Lock()
	k := s.tx.killed
	s.tx.killed = nil
	s.mu.Unlock()
	if k != nil {
		s.c.StatusFlags &^= mysql.ServerInTransaction
	}
	return k
}

// kill ends b's statement (KILL QUERY) or, with queryOnly false, b itself, which it
// closes, through the Directory as admin, as vttablet does (docs/design/emulator-edge.md).
func (s *session) kill(b *mysql.Conn, queryOnly bool) {
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	defer cancel()
	_ = s.h.dir.Kill(ctx, b.ID(), queryOnly) // a connection already gone needs no kill
	if !queryOnly {
		b.Close()
	}
}

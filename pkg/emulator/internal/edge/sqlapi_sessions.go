package edge

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"slices"
	"sync"
	"time"

	"connectrpc.com/connect"
	"github.com/dolthub/vitess/go/mysql"
	psdbpb "github.com/planetscale/psdb/types/psdb/v1alpha1"
	querypb "github.com/planetscale/vitess-types/gen/vitess/query/v21"
	vtgatepb "github.com/planetscale/vitess-types/gen/vitess/vtgate/v21"
)

// Session limits of the HTTP SQL API: clients never close a session, so the edge closes
// idle ones; PlanetScale's own limits are undocumented (docs/design/emulator-edge.md).
var (
	idleTimeout     = time.Minute
	maxIdleSessions = 16
)

var (
	errForeignSession = errors.New("the session was not opened with this password")
	// errSessionGone answers a statement of a transaction whose session
	// was closed for being idle: the transaction was rolled back with it.
	errSessionGone = mysql.NewSQLError(mysql.ERUnknownError, mysql.SSUnknownSQLState,
		"vttablet: rpc error: code = Aborted desc = transaction ended: its session was idle for %v", idleTimeout)
)

// apiSessions are the HTTP SQL API's sessions, each an edge session; a client holds one
// as a signature (an id and its HMAC, bound to the user) and its state in vitess_session.
type apiSessions struct {
	key     []byte
	stop    chan struct{}
	idle    time.Duration // idleTimeout
	maxIdle int           // maxIdleSessions

	mu     sync.Mutex
	byID   map[string]*apiSession
	closed bool
}

// apiSession is one session.
type apiSession struct {
	id   string
	user string
	edge *session
	call sync.Mutex // held by the call using the session

	// guarded by apiSessions.mu
	last  time.Time
	inUse int
	inTx  bool // a transaction was open at its last release
}

func newAPISessions(idle time.Duration, maxIdle int) *apiSessions {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	ss := &apiSessions{key: key, stop: make(chan struct{}), idle: idle, maxIdle: maxIdle, byID: map[string]*apiSession{}}
	go ss.reap()
	return ss
}

// idLen is the length of a session id in a signature.
const idLen = 16

// open starts a session for acct, not yet in use.
func (ss *apiSessions) open(h *handler, acct Account) *apiSession {
	id := make([]byte, idLen)
	_, _ = rand.Read(id)
	c := &mysql.Conn{StatusFlags: mysql.ServerStatusAutocommit, CharacterSet: utf8mb4GeneralCI}
	s := &apiSession{id: string(id), user: acct.User, edge: newSession(h, c, acct), last: time.Now()}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.closed {
		s.edge.close()
	}
	ss.byID[s.id] = s
	return s
}

// resume returns the session wire names, in use until release, or a new one; one closed
// while idle reopens on its database, or tells the client its transaction is gone.
func (ss *apiSessions) resume(ctx context.Context, h *handler, acct Account, wire *psdbpb.Session) (*apiSession, error) {
	var s *apiSession
	if sig := wire.GetSignature(); len(sig) > 0 {
		id, ok := ss.verify(sig, acct.User)
		if !ok {
			return nil, connect.NewError(connect.CodePermissionDenied, errForeignSession)
		}
		ss.mu.Lock()
		if s = ss.byID[id]; s != nil {
			s.inUse++
		}
		ss.mu.Unlock()
	}
	if s == nil {
		s = ss.open(h, acct)
		ss.mu.Lock()
		s.inUse++
		ss.mu.Unlock()
		if wire.GetVitessSession().GetInTransaction() {
			s.call.Lock()
			return s, errSessionGone
		}
		if target := wire.GetVitessSession().GetTargetString(); target != "" {
			s.call.Lock()
			if err := s.edge.use(ctx, target); err != nil {
				return s, err
			}
			return s, nil
		}
	}
	s.call.Lock()
	return s, nil
}

// release ends the caller's use, then closes the idle sessions beyond maxIdleSessions;
// a session holding a transaction is not counted, as its timeout bounds it.
func (s *apiSession) release(ss *apiSessions) {
	inTx := s.edge.c.StatusFlags&mysql.ServerInTransaction != 0
	s.call.Unlock()
	ss.mu.Lock()
	s.inUse--
	s.last, s.inTx = time.Now(), inTx
	var idle []*apiSession
	for _, o := range ss.byID {
		if o.inUse == 0 && !o.inTx {
			idle = append(idle, o)
		}
	}
	var drop []*apiSession
	if len(idle) > ss.maxIdle {
		slices.SortFunc(idle, func(a, b *apiSession) int { return a.last.Compare(b.last) })
		drop = idle[:len(idle)-ss.maxIdle]
		for _, o := range drop {
			delete(ss.byID, o.id)
		}
	}
	ss.mu.Unlock()
	for _, o := range drop {
		o.edge.close()
	}
}

// end closes the session wire names and returns its last state.
func (ss *apiSessions) end(acct Account, wire *psdbpb.Session) (*psdbpb.Session, error) {
	id, ok := ss.verify(wire.GetSignature(), acct.User)
	if !ok {
		return nil, connect.NewError(connect.CodePermissionDenied, errForeignSession)
	}
	ss.mu.Lock()
	s := ss.byID[id]
	delete(ss.byID, id)
	ss.mu.Unlock()
	if s == nil {
		return wire, nil
	}
	s.call.Lock()
	defer s.call.Unlock()
	s.edge.close()
	return s.wire(ss), nil
}

// reap closes sessions idle for ss.idle, until closeAll.
func (ss *apiSessions) reap() {
	t := time.NewTicker(ss.idle / 4)
	defer t.Stop()
	for {
		select {
		case <-ss.stop:
			return
		case now := <-t.C:
			ss.mu.Lock()
			var drop []*apiSession
			for id, s := range ss.byID {
				if s.inUse == 0 && now.Sub(s.last) >= ss.idle {
					drop = append(drop, s)
					delete(ss.byID, id)
				}
			}
			ss.mu.Unlock()
			for _, s := range drop {
				s.edge.close()
			}
		}
	}
}

// closeAll closes every session and stops reaping.
func (ss *apiSessions) closeAll() {
	ss.mu.Lock()
	if ss.closed {
		ss.mu.Unlock()
		return
	}
	ss.closed = true
	all := ss.byID
	ss.byID = map[string]*apiSession{}
	ss.mu.Unlock()
	close(ss.stop)
	for _, s := range all {
		s.edge.close()
	}
}

// sign is a session's signature: its id and the HMAC of id and user.
func (ss *apiSessions) sign(id, user string) []byte {
	m := hmac.New(sha256.New, ss.key)
	m.Write([]byte(id))
	m.Write([]byte(user))
	return m.Sum([]byte(id))
}

// verify returns the id of a signature made for user.
func (ss *apiSessions) verify(sig []byte, user string) (string, bool) {
	if len(sig) != idLen+sha256.Size {
		return "", false
	}
	id := string(sig[:idLen])
	return id, hmac.Equal(sig, ss.sign(id, user))
}

// wire is the session as the client holds it: the signature, and the state vtgate reports
// in vitess_session (vitess proto/vtgate.proto Session): transaction, autocommit, database.
func (s *apiSession) wire(ss *apiSessions) *psdbpb.Session {
	flags := s.edge.c.StatusFlags
	return &psdbpb.Session{
		Signature: ss.sign(s.id, s.user),
		VitessSession: &vtgatepb.Session{
			InTransaction: flags&mysql.ServerInTransaction != 0,
			Autocommit:    flags&mysql.ServerStatusAutocommit != 0,
			TargetString:  s.edge.chosen(),
			Options:       sessionOptions(),
		},
	}
}

// sessionOptions include every field, vtgate's default (IncludedFields ALL), and OLTP:
// psdbproxy reads Options.Workload of each session and drops the connection on nil Options.
func sessionOptions() *querypb.ExecuteOptions {
	return &querypb.ExecuteOptions{IncludedFields: querypb.ExecuteOptions_ALL, Workload: querypb.ExecuteOptions_OLTP}
}

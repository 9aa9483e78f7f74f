package edge

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"testing"
	"time"

	psdbpb "github.com/planetscale/psdb/types/psdb/v1alpha1"
	vtgatepb "github.com/planetscale/vitess-types/gen/vitess/vtgate/v21"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/poll"
)

// TestAPISessionsAreClosedForClients: idle sessions beyond the cap, then all idle ones, are
// closed; a closed one comes back as a new session, unless it held a transaction.
func TestAPISessionsAreClosedForClients(t *testing.T) {
	ss := newAPISessions(200*time.Millisecond, 3)
	t.Cleanup(ss.closeAll)
	h, acct := &handler{}, Account{User: "u"}
	var last *psdbpb.Session
	for range 10 {
		s, err := ss.resume(context.Background(), h, acct, nil)
		assert.NilError(t, err)
		last = s.wire(ss)
		s.release(ss)
	}
	assert.Check(t, is.Len(ss.byID, 3), "the idle ones beyond the cap are closed")

	poll.WaitOn(t, func(poll.LogT) poll.Result {
		ss.mu.Lock()
		defer ss.mu.Unlock()
		if len(ss.byID) > 0 {
			return poll.Continue("%d sessions open", len(ss.byID))
		}
		return poll.Success()
	}, poll.WithTimeout(5*time.Second), poll.WithDelay(50*time.Millisecond))

	s, err := ss.resume(context.Background(), h, acct, last)
	assert.NilError(t, err, "a closed session outside a transaction comes back")
	assert.Assert(t, string(s.wire(ss).Signature) != string(last.Signature))
	s.release(ss)

	inTx := &psdbpb.Session{Signature: last.Signature, VitessSession: &vtgatepb.Session{InTransaction: true}}
	s, err = ss.resume(context.Background(), h, acct, inTx)
	assert.Equal(t, err, error(errSessionGone))
	s.release(ss)

	_, err = ss.resume(context.Background(), h, Account{User: "other"}, last)
	assert.ErrorContains(t, err, errForeignSession.Error())
}

// TestSplitterSortsByWhoSpeaksFirst: a TLS client goes to HTTPS with its
// first byte intact; a silent one is greeted as MySQL.
func TestSplitterSortsByWhoSpeaksFirst(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	assert.NilError(t, err)
	sp := split(ln, time.Second)
	t.Cleanup(func() { _ = sp.Close() })

	go func() {
		c, err := tls.Dial("tcp", ln.Addr().String(), &tls.Config{InsecureSkipVerify: true})
		if err == nil {
			_ = c.Close()
		}
	}()
	c, err := sp.https.Accept()
	assert.NilError(t, err)
	head := make([]byte, 3)
	_, err = io.ReadFull(c, head)
	assert.NilError(t, err)
	assert.DeepEqual(t, head[:1], []byte{tlsHandshake})
	_ = c.Close()

	silent, err := net.Dial("tcp", ln.Addr().String())
	assert.NilError(t, err)
	defer silent.Close()
	start := time.Now()
	c, err = sp.mysql.Accept()
	assert.NilError(t, err)
	assert.Assert(t, time.Since(start) >= sp.sniff/2)
	_ = c.Close()

	assert.NilError(t, sp.Close())
	_, err = sp.mysql.Accept()
	assert.ErrorIs(t, err, net.ErrClosed)
}

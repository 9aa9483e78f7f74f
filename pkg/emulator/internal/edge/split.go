package edge

import (
	"errors"
	"net"
	"sync"
	"time"
)

// DefaultSniff is how long a new connection is given to speak first: a MySQL client waits
// for the greeting, HTTPS sends a ClientHello at once (docs/design/emulator-edge.md).
const DefaultSniff = 25 * time.Millisecond

// tlsHandshake is the first byte of a TLS record carrying a handshake
// (RFC 8446 section 5.1, ContentType handshake(22)).
const tlsHandshake = 0x16

// splitter serves MySQL and the HTTP SQL API on one address, as access_host_url does: a
// TLS handshake goes to https, silence for sniff to mysql, the rest is closed.
type splitter struct {
	ln    net.Listener
	sniff time.Duration
	mysql *chanListener
	https *chanListener
	done  chan struct{}
}

// split starts sorting ln's connections.
func split(ln net.Listener, sniff time.Duration) *splitter {
	if sniff <= 0 {
		sniff = DefaultSniff
	}
	s := &splitter{ln: ln, sniff: sniff, mysql: newChanListener(ln.Addr()), https: newChanListener(ln.Addr()), done: make(chan struct{})}
	go s.run()
	return s
}

// run accepts until ln is closed, then closes both halves.
func (s *splitter) run() {
	defer close(s.done)
	defer s.mysql.Close()
	defer s.https.Close()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		go s.sort(c)
	}
}

// sort reads c's first byte, if it sends one within sniff.
func (s *splitter) sort(c net.Conn) {
	if err := c.SetReadDeadline(time.Now().Add(s.sniff)); err != nil {
		_ = c.Close()
		return
	}
	var first [1]byte
	n, err := c.Read(first[:])
	_ = c.SetReadDeadline(time.Time{})
	var to *chanListener
	var ne net.Error
	switch {
	case n == 1 && first[0] == tlsHandshake:
		to, c = s.https, &peeked{Conn: c, first: first[0], has: true}
	case n == 0 && errors.As(err, &ne) && ne.Timeout():
		to = s.mysql
	default:
		_ = c.Close()
		return
	}
	if !to.deliver(c) {
		_ = c.Close()
	}
}

// Close stops accepting; the halves report net.ErrClosed.
func (s *splitter) Close() error {
	err := s.ln.Close()
	<-s.done
	return err
}

// peeked is a connection whose first byte was read ahead.
type peeked struct {
	net.Conn
	first byte
	has   bool
}

// Read returns the byte read ahead first.
func (p *peeked) Read(b []byte) (int, error) {
	if p.has && len(b) > 0 {
		b[0], p.has = p.first, false
		return 1, nil
	}
	return p.Conn.Read(b)
}

// chanListener is a net.Listener fed by a splitter.
type chanListener struct {
	addr   net.Addr
	conns  chan net.Conn
	closed chan struct{}
	once   sync.Once
}

func newChanListener(addr net.Addr) *chanListener {
	return &chanListener{addr: addr, conns: make(chan net.Conn), closed: make(chan struct{})}
}

// deliver hands c to Accept, unless the listener is closed.
func (l *chanListener) deliver(c net.Conn) bool {
	select {
	case l.conns <- c:
		return true
	case <-l.closed:
		return false
	}
}

// Accept waits for the next connection of its protocol.
func (l *chanListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

// Close makes Accept return net.ErrClosed.
func (l *chanListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

// Addr is the shared address.
func (l *chanListener) Addr() net.Addr { return l.addr }

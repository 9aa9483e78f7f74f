// Package conntrack is a listener that remembers the connections it
// accepted, so that a server can be stopped together with all of its
// clients.
package conntrack

import (
	"errors"
	"net"
	"sync"
	"time"
)

// Listener remembers every connection it accepted until that connection
// is closed.
type Listener struct {
	net.Listener

	mu     sync.Mutex
	closed bool
	conns  map[*trackedConn]struct{}
	wg     sync.WaitGroup
}

// New tracks the connections ln accepts.
func New(ln net.Listener) *Listener {
	return &Listener{Listener: ln, conns: make(map[*trackedConn]struct{})}
}

// Accept returns the next connection, tracked until it is closed.
func (l *Listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		_ = c.Close()
		return nil, net.ErrClosed
	}
	tc := &trackedConn{Conn: c, l: l}
	l.conns[tc] = struct{}{}
	l.wg.Add(1)
	return tc, nil
}

// CloseAll closes the listener and shuts down the reading side of every open
// connection, so each serving goroutine reads end-of-file and ends quietly.
func (l *Listener) CloseAll() {
	_ = l.Listener.Close()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	for c := range l.conns {
		c.shutdown()
	}
}

// Wait blocks until the server closed every accepted connection, or until
// timeout fires.
func (l *Listener) Wait(timeout <-chan time.Time) error {
	done := make(chan struct{})
	go func() {
		l.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-timeout:
		return errors.New("connections still open after shutdown")
	}
}

// trackedConn is a connection that reports its Close to its listener.
type trackedConn struct {
	net.Conn
	l    *Listener
	once sync.Once
}

// readCloser is a connection whose reading side can be shut down alone.
type readCloser interface{ CloseRead() error }

// shutdown ends the reading side of the connection, or all of it when that
// cannot be done alone.
func (c *trackedConn) shutdown() {
	if rc, ok := c.Conn.(readCloser); ok && rc.CloseRead() == nil {
		return
	}
	_ = c.Conn.Close()
}

// Close closes the connection and stops tracking it.
func (c *trackedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() {
		c.l.mu.Lock()
		delete(c.l.conns, c)
		c.l.mu.Unlock()
		c.l.wg.Done()
	})
	return err
}

// Shutdown runs CloseAll, then waits up to timeout in all for the accept loop
// to end (acceptDone closed) and for the server to close every connection.
func (l *Listener) Shutdown(acceptDone <-chan struct{}, timeout time.Duration) error {
	l.CloseAll()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case <-acceptDone:
	case <-timer.C:
		return errors.New("accept loop did not stop")
	}
	return l.Wait(timer.C)
}

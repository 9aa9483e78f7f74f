package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"
)

// proxy sits between the emulator and its storage, reading the MySQL protocol without TLS,
// and counts each user's commands and the server's time answering them (docs/design/bench.md).
type proxy struct {
	ln     net.Listener
	target string
	wg     sync.WaitGroup

	mu    sync.Mutex
	stats map[string]*userStats // by MySQL user
}

// userStats are the commands of one MySQL user.
type userStats struct {
	Commands int
	Kinds    map[string]int           // see commandKind
	Times    map[string]time.Duration // the server's time by kind
	Server   time.Duration
}

// merge adds o's counts to st.
func (st *userStats) merge(o *userStats) {
	if st.Kinds == nil {
		st.Kinds, st.Times = map[string]int{}, map[string]time.Duration{}
	}
	st.Commands += o.Commands
	st.Server += o.Server
	for k, n := range o.Kinds {
		st.Kinds[k] += n
		st.Times[k] += o.Times[k]
	}
}

// startProxy listens on a loopback port and forwards to target.
func startProxy(target string) (*proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &proxy{ln: ln, target: target, stats: map[string]*userStats{}}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is the proxy's host:port.
func (p *proxy) Addr() string { return p.ln.Addr().String() }

// Close stops accepting and waits for the connections to end.
func (p *proxy) Close() error {
	err := p.ln.Close()
	p.wg.Wait()
	return err
}

// take returns the counts so far and starts again from zero.
func (p *proxy) take() map[string]*userStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.stats
	p.stats = map[string]*userStats{}
	return out
}

func (p *proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.serve(c)
		}()
	}
}

// serve forwards one connection both ways, reading the client's packets.
func (p *proxy) serve(client net.Conn) {
	defer client.Close()
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer server.Close()
	t := &tracker{add: p.add}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = io.Copy(client, &answerReader{r: server, t: t})
		_ = client.Close()
	}()
	_ = t.readCommands(client, server)
	_ = server.Close()
	<-done
	t.finish()
}

// add counts one command of user.
func (p *proxy) add(user, kind string, server time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	st := p.stats[user]
	if st == nil {
		st = &userStats{}
		p.stats[user] = st
	}
	st.merge(&userStats{Commands: 1, Kinds: map[string]int{kind: 1}, Times: map[string]time.Duration{kind: server}, Server: server})
}

// tracker follows one connection: who logged in, the command waiting for
// its answer and when the answer's last bytes came.
type tracker struct {
	add func(user, kind string, server time.Duration)

	mu      sync.Mutex
	user    string
	kind    string // of the command in flight, "" when none
	sent    time.Time
	answer  time.Time // last bytes of an answer
	started bool      // the handshake response was seen
}

// answerReader notes when the server's bytes arrive.
type answerReader struct {
	r io.Reader
	t *tracker
}

func (a *answerReader) Read(b []byte) (int, error) {
	n, err := a.r.Read(b)
	if n > 0 {
		a.t.mu.Lock()
		a.t.answer = time.Now()
		a.t.mu.Unlock()
	}
	return n, err
}

// readCommands copies the client's packets to w, noting each command.
func (t *tracker) readCommands(r io.Reader, w io.Writer) error {
	header := make([]byte, 4)
	for {
		if _, err := io.ReadFull(r, header); err != nil {
			return err
		}
		n := int(header[0]) | int(header[1])<<8 | int(header[2])<<16
		body := make([]byte, n)
		if _, err := io.ReadFull(r, body); err != nil {
			return err
		}
		t.packet(header[3], body)
		if _, err := w.Write(append(header, body...)); err != nil {
			return err
		}
		header = make([]byte, 4)
	}
}

// packet notes a client packet: the handshake response names the user,
// and a packet with sequence number 0 after it starts a command.
func (t *tracker) packet(seq byte, body []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.started {
		if seq == 1 {
			t.user, t.started = handshakeUser(body), true
		}
		return
	}
	if seq != 0 || len(body) == 0 {
		return
	}
	t.closeCommand()
	t.kind, t.sent = commandKind(body), time.Now()
}

// finish counts the command still in flight when the connection ends.
func (t *tracker) finish() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.closeCommand()
}

// closeCommand counts the command in flight, with the time until its
// answer's last bytes. The caller holds mu.
func (t *tracker) closeCommand() {
	if t.kind == "" {
		return
	}
	var d time.Duration
	if t.answer.After(t.sent) {
		d = t.answer.Sub(t.sent)
	}
	t.add(t.user, t.kind, d)
	t.kind = ""
}

// handshakeUser reads the user name of a HandshakeResponse41 packet.
func handshakeUser(body []byte) string {
	const fixed = 4 + 4 + 1 + 23 // capabilities, max packet, charset, filler
	if len(body) <= fixed {
		return ""
	}
	name, _, _ := bytes.Cut(body[fixed:], []byte{0})
	return string(name)
}

// commandKind names a command: a COM_QUERY's first word (SHOW, SELECT, …), or first two for
// CREATE and DROP (CREATE TEMPORARY, DROP TABLE), else the command's name.
func commandKind(body []byte) string {
	switch body[0] {
	case 0x03: // COM_QUERY
		f := strings.Fields(strings.ToUpper(string(body[1:min(len(body), 64)])))
		switch {
		case len(f) == 0:
			return "QUERY"
		case len(f) > 1 && (f[0] == "CREATE" || f[0] == "DROP"):
			return f[0] + " " + f[1]
		}
		return f[0]
	case 0x01:
		return "QUIT"
	case 0x02:
		return "INIT_DB"
	case 0x0e:
		return "PING"
	case 0x1b:
		return "SET_OPTION"
	case 0x16:
		return "PREPARE"
	case 0x17:
		return "EXECUTE"
	case 0x19:
		return "CLOSE_STMT"
	case 0x1f:
		return "RESET_CONNECTION"
	}
	return fmt.Sprintf("COMMAND_%#02x", body[0])
}

package storage

import (
	"database/sql"
	"io"
	"log"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/poll"
)

// listenerFrames are stack frames of goroutines serving MySQL clients.
var listenerFrames = []string{"vitess/go/mysql.(*Listener).Accept", "vitess/go/mysql.(*Listener).handle"}

// servingGoroutines returns the stacks of goroutines that serve clients.
func servingGoroutines() []string {
	buf := make([]byte, 1<<22)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		for _, f := range listenerFrames {
			if strings.Contains(g, f) {
				out = append(out, g)
				break
			}
		}
	}
	return out
}

// TestEmbeddedClose is not parallel: it checks that no goroutine of any
// embedded server is left serving once Close returns.
func TestEmbeddedClose(t *testing.T) {
	ctx := testCtx(t)
	s, err := StartEmbedded(ctx)
	assert.NilError(t, err)
	assert.Check(t, s.Embedded())
	host, _, err := net.SplitHostPort(s.Addr())
	assert.NilError(t, err)
	assert.Check(t, is.Equal(host, "127.0.0.1"))

	cfg, err := mysql.ParseDSN(s.AdminDSN())
	assert.NilError(t, err)
	assert.Check(t, is.Equal(cfg.Addr, s.Addr()))
	cfg.Logger = log.New(io.Discard, "", 0) // the cut connection is expected
	connector, err := mysql.NewConnector(cfg)
	assert.NilError(t, err)
	client := sql.OpenDB(connector)
	defer client.Close()
	held, err := client.Conn(ctx)
	assert.NilError(t, err)
	defer held.Close()
	assert.NilError(t, held.PingContext(ctx))
	assert.Check(t, len(servingGoroutines()) > 0, "the server serves while open")

	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case err := <-closed:
		assert.NilError(t, err)
	case <-time.After(2 * shutdownTimeout):
		t.Fatal("Close did not return")
	}

	_, err = net.DialTimeout("tcp", s.Addr(), time.Second)
	assert.Check(t, err != nil, "the port must refuse connections after Close")
	assert.Check(t, held.PingContext(ctx) != nil, "a client connection must be cut by Close")
	poll.WaitOn(t, func(poll.LogT) poll.Result {
		if g := servingGoroutines(); len(g) > 0 {
			return poll.Continue("%d goroutines still serve:\n%s", len(g), strings.Join(g, "\n\n"))
		}
		return poll.Success()
	}, poll.WithTimeout(5*time.Second))
	assert.Check(t, s.Close(), "a second Close is harmless")
}

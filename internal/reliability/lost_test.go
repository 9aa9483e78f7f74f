package reliability

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path"
	"strings"
	"sync"
	"testing"

	"gotest.tools/v3/assert"
)

// loser is a proxy that serves the first request of its call, then drops the connection: the
// API did the work, the client never heard. The emulator's own faults cannot do this.
type loser struct {
	*httptest.Server
	call  call
	mu    sync.Mutex
	spent bool
}

func newLoser(t *testing.T, target string, c call) *loser {
	t.Helper()
	proxy := reverseProxy(t, target)
	l := &loser{call: c}
	l.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !l.take(r) {
			proxy.ServeHTTP(w, r)
			return
		}
		proxy.ServeHTTP(httptest.NewRecorder(), r)
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(http.ErrAbortHandler)
		}
		_ = conn.Close()
	}))
	t.Cleanup(l.Close)
	return l
}

// reverseProxy forwards to target, quietly: a client that gives up is
// what these tests provoke.
func reverseProxy(t *testing.T, target string) *httputil.ReverseProxy {
	t.Helper()
	u, err := url.Parse(target)
	assert.NilError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.ErrorLog = log.New(io.Discard, "", 0)
	return proxy
}

// take reports whether r is the one request whose answer is lost.
func (l *loser) take(r *http.Request) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.spent || !l.call.matches(r) {
		return false
	}
	l.spent = true
	return true
}

// used reports whether an answer was lost.
func (l *loser) used() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.spent
}

// call is one API call an action makes: an emulator route.
type call struct {
	endpoint string // as the emulator logs it: "GET /v1/organizations/{organization}"
	method   string
	path     string // the route with each {name} segment as *
}

func newCall(endpoint string) call {
	method, route, _ := strings.Cut(endpoint, " ")
	segs := strings.Split(route, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") {
			segs[i] = "*"
		}
	}
	return call{endpoint: endpoint, method: method, path: strings.Join(segs, "/")}
}

// matches reports whether r is a request of the call.
func (c call) matches(r *http.Request) bool {
	ok, _ := path.Match(c.path, r.URL.Path)
	return ok && r.Method == c.method
}

// short names a call in subtest names: "GET_branches_*".
func (c call) short() string {
	p := strings.TrimPrefix(c.path, "/v1/organizations/*/databases/*")
	p = strings.Trim(strings.ReplaceAll(p, "/", "_"), "_")
	if p == "" {
		p = "database"
	}
	return c.method + "_" + p
}

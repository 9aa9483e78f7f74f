package examples

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/psflow/psflow/pkg/emulator"
	"gotest.tools/v3/assert"
)

// deployCall matches the API call that queues a deploy request's deploy.
var deployCall = regexp.MustCompile(`^/v1/organizations/[^/]+/databases/([^/]+)/deploy-requests/(\d+)/deploy$`)

// gateWait bounds how long a held deploy waits for the other job.
const gateWait = 2 * time.Minute

// deployGate proxies an emulator's API; during a race it holds the first branch's deploy until
// the second's arrives, answers it, and only then passes the second's on.
type deployGate struct {
	em  *emulator.Emulator
	url string

	mu   sync.Mutex
	race *race
}

// race is the order of two branches' deploys.
type race struct {
	first, second string
	// arrived[b] is closed when b's deploy call arrives or its job ends;
	// done[b] when b's deploy call was answered or its job ended.
	arrived, done map[string]*signal
}

// signal is a channel closed once.
type signal struct {
	once sync.Once
	c    chan struct{}
}

func newSignal() *signal { return &signal{c: make(chan struct{})} }

func (s *signal) fire() { s.once.Do(func() { close(s.c) }) }

// wait waits for the signal, for gateWait at most.
func (s *signal) wait() {
	select {
	case <-s.c:
	case <-time.After(gateWait):
	}
}

// newDeployGate starts a proxy in front of em's API.
func newDeployGate(t *testing.T, em *emulator.Emulator) *deployGate {
	t.Helper()
	target, err := url.Parse(em.URL())
	assert.NilError(t, err)
	g := &deployGate{em: em}
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		branch, rc := g.branchOf(r)
		switch {
		case rc != nil && branch == rc.first:
			rc.arrived[branch].fire()
			rc.arrived[rc.second].wait()
			proxy.ServeHTTP(w, r)
			rc.done[branch].fire()
		case rc != nil && branch == rc.second:
			rc.arrived[branch].fire()
			rc.done[rc.first].wait()
			proxy.ServeHTTP(w, r)
		default:
			proxy.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	g.url = srv.URL
	return g
}

// branchOf returns the branch whose deploy r queues and the race on, or
// a nil race when r is no deploy call or no race is on.
func (g *deployGate) branchOf(r *http.Request) (string, *race) {
	g.mu.Lock()
	rc := g.race
	g.mu.Unlock()
	m := deployCall.FindStringSubmatch(r.URL.Path)
	if rc == nil || r.Method != http.MethodPost || m == nil {
		return "", nil
	}
	number, err := strconv.ParseUint(m[2], 10, 64)
	if err != nil {
		return "", nil
	}
	for _, db := range g.em.State().Databases {
		if db.Name != m[1] {
			continue
		}
		for _, dr := range db.DeployRequests {
			if dr.Number == number {
				return dr.Branch, rc
			}
		}
	}
	return "", nil
}

// start orders the deploys of two branches until the returned function,
// which takes the branch whose job ended, has been called for both.
func (g *deployGate) start(first, second string) (ended func(branch string)) {
	rc := &race{first: first, second: second,
		arrived: map[string]*signal{first: newSignal(), second: newSignal()},
		done:    map[string]*signal{first: newSignal(), second: newSignal()}}
	g.mu.Lock()
	g.race = rc
	g.mu.Unlock()
	var mu sync.Mutex
	left := 2
	return func(branch string) {
		rc.arrived[branch].fire()
		rc.done[branch].fire()
		mu.Lock()
		defer mu.Unlock()
		if left--; left == 0 {
			g.mu.Lock()
			g.race = nil
			g.mu.Unlock()
		}
	}
}

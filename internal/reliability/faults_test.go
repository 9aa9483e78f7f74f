package reliability

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// fault is one way an API call can go wrong.
type fault struct {
	name      string
	permanent bool
	inject    emulator.Fault // Method, Path and Count are set per case
	lost      bool           // served, then the answer is lost (see loser)
}

// faults are the matrix's columns.
var faults = []fault{
	{name: "500", inject: emulator.Fault{Status: http.StatusInternalServerError}},
	{name: "502", inject: emulator.Fault{Status: http.StatusBadGateway}},
	{name: "503", inject: emulator.Fault{Status: http.StatusServiceUnavailable}},
	{name: "429", inject: emulator.Fault{Status: http.StatusTooManyRequests}},
	{name: "429-retry-after", inject: emulator.Fault{Status: http.StatusTooManyRequests, Header: map[string]string{"Retry-After": "1"}}},
	{name: "slow", inject: emulator.Fault{Delay: 20 * attemptTimeout}},
	{name: "drop", inject: emulator.Fault{Drop: true}},
	{name: "lost-answer", lost: true},
	{name: "401", permanent: true, inject: emulator.Fault{Status: http.StatusUnauthorized}},
	{name: "403", permanent: true, inject: emulator.Fault{Status: http.StatusForbidden}},
	{name: "404", permanent: true, inject: emulator.Fault{Status: http.StatusNotFound}},
	{name: "422", permanent: true, inject: emulator.Fault{Status: http.StatusUnprocessableEntity}},
}

// faultCase is one cell of the matrix: a fault on one call of a scenario.
type faultCase struct {
	sc    scenario
	call  call
	fault fault
}

func (c faultCase) name() string { return c.sc.name + "/" + c.call.short() + "/" + c.fault.name }

// workers is how many cases run at once: each mostly waits on the psflow
// process and the emulator's storage.
const workers = 6

// TestFaultMatrix learns each scenario's API calls from a clean run, then injects each fault into
// each call's first request and checks exit code, message and invariants.
func TestFaultMatrix(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var cases []faultCase
	parallel(t, scenarios(), func(sc scenario) string { return "clean/" + sc.name }, func(t *testing.T, sc scenario) {
		calls := discover(t, sc)
		mu.Lock()
		defer mu.Unlock()
		for _, c := range calls {
			for _, f := range faults {
				cases = append(cases, faultCase{sc: sc, call: c, fault: f})
			}
		}
	})
	if t.Failed() {
		return
	}
	slices.SortStableFunc(cases, func(a, b faultCase) int { return strings.Compare(a.name(), b.name()) })
	var passed atomic.Int64
	start := time.Now()
	parallel(t, cases, faultCase.name, func(t *testing.T, c faultCase) {
		runFaultCase(t, c)
		if !t.Failed() {
			passed.Add(1)
		}
	})
	t.Logf("fault matrix: %d cases, %d passed in %s", len(cases), passed.Load(), time.Since(start).Round(time.Second))
	fmt.Printf("fault matrix: %d cases, %d passed\n", len(cases), passed.Load())
}

// discover runs a scenario without faults and returns the distinct calls
// it made, in the order first made.
func discover(t *testing.T, sc scenario) []call {
	em, args := sc.start(t)
	before := takeSnapshot(t, em)
	em.ResetRequests()
	r := actiontest.Exec(t, env(em, em.URL()), sc.action, args...)
	assert.Equal(t, r.ExitCode, 0, "clean run of %s failed", sc.name)
	sc.done(t, em, r)
	checkInvariants(t, em, sc, before)
	var calls []call
	seen := map[string]bool{}
	for _, req := range em.Requests() {
		if !seen[req.Endpoint] {
			seen[req.Endpoint] = true
			calls = append(calls, newCall(req.Endpoint))
		}
	}
	assert.Assert(t, len(calls) > 0, "%s made no API call", sc.name)
	t.Logf("%s calls: %v", sc.name, calls)
	return calls
}

func runFaultCase(t *testing.T, c faultCase) {
	em, args := c.sc.start(t)
	before := takeSnapshot(t, em)
	em.ResetRequests()
	apiURL := em.URL()
	var lost *loser
	if c.fault.lost {
		lost = newLoser(t, apiURL, c.call)
		apiURL = lost.URL
	} else {
		f := c.fault.inject
		f.Method, f.Path, f.Count = c.call.method, c.call.path, 1
		_, err := em.AddFault(f)
		assert.NilError(t, err)
	}
	r := actiontest.Exec(t, env(em, apiURL), c.sc.action, args...)

	if lost != nil {
		assert.Assert(t, lost.used(), "no answer was lost: the call was not made")
	} else {
		assert.Assert(t, is.Len(em.Faults(), 0), "the fault did not apply: the call was not made")
	}
	want := expect(c)
	printed := r.Stdout() + r.Stderr()
	assert.Check(t, slices.Contains(want.codes, r.ExitCode), "exit %d, want one of %v", r.ExitCode, want.codes)
	if r.ExitCode != 0 || want.msg != "" {
		msg := want.msg
		if msg == "" {
			msg = opOf(c.call)
		}
		assert.Check(t, is.Contains(printed, msg))
	}
	if r.ExitCode != 0 {
		assert.Check(t, is.Equal(strings.Count(r.Stderr(), "psflow "+c.sc.action+": "), 1), "want one error line")
	}
	if c.fault.permanent && r.ExitCode != 0 {
		assert.Check(t, is.Equal(retries(em, c.call), 0), "a permanent failure was retried")
	}
	switch {
	case r.ExitCode != 0:
	case want.check != nil:
		want.check(t, em, r)
	case want.done:
		c.sc.done(t, em, r)
	}
	sc := c.sc
	if want.passwords != nil {
		sc.passwords = want.passwords
	}
	checkInvariants(t, em, sc, before)
}

// retries counts the requests of the faulted call sent after the fault
// applied to it.
func retries(em *emulator.Emulator, c call) int {
	n, after := 0, false
	for _, r := range em.Requests() {
		switch {
		case r.Fault != "":
			after = true
		case after && r.Endpoint == c.endpoint:
			n++
		}
	}
	return n
}

// parallel runs fn as a subtest for each item, workers at a time.
func parallel[T any](t *testing.T, items []T, name func(T) string, fn func(*testing.T, T)) {
	t.Helper()
	next := make(chan T)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range next {
				t.Run(name(it), func(t *testing.T) { fn(t, it) })
			}
		}()
	}
	for _, it := range items {
		next <- it
	}
	close(next)
	wg.Wait()
}

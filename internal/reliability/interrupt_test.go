package reliability

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/internal/testbin"
	"github.com/psflow/psflow/pkg/emulator"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// interruptSeed picks the interruption points; PSFLOW_INTERRUPT_SEED
// explores others.
const interruptSeed = 20251122

// pointsPerScenario is how many requests of each scenario it is interrupted during, by SIGTERM
// and by SIGKILL (plus a point partway into long work after a request).
const pointsPerScenario = 3

// point is where a run is interrupted: during a call's first request, or after that long after
// its answer; calls, not counts, pick requests, as polling depends on timing.
type point struct {
	call  call
	after time.Duration
}

func (p point) String() string {
	if p.after == 0 {
		return p.call.short()
	}
	return fmt.Sprintf("%s+%s", p.call.short(), p.after.Round(time.Millisecond))
}

// TestInterruption interrupts every scenario by SIGTERM and SIGKILL at seeded random points, and
// checks what it left and that a re-run ends where an uninterrupted run does.
func TestInterruption(t *testing.T) {
	t.Parallel()
	seed := uint64(interruptSeed)
	if v := os.Getenv("PSFLOW_INTERRUPT_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		assert.NilError(t, err)
		seed = n
	}
	t.Logf("interruption seed %d (set PSFLOW_INTERRUPT_SEED to change)", seed)
	type icase struct {
		sc   scenario
		ref  endState
		p    point
		sig  syscall.Signal
		name string
	}
	var mu sync.Mutex
	var cases []icase
	parallel(t, scenarios(), func(sc scenario) string { return "reference/" + sc.name }, func(t *testing.T, sc scenario) {
		ref, reqs := reference(t, sc)
		rng := rand.New(rand.NewPCG(seed, nameHash(sc.name)))
		mu.Lock()
		defer mu.Unlock()
		for _, p := range pickPoints(rng, reqs) {
			for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
				name := fmt.Sprintf("%s/%s/%s", sc.name, p, map[syscall.Signal]string{syscall.SIGTERM: "TERM", syscall.SIGKILL: "KILL"}[sig])
				cases = append(cases, icase{sc: sc, ref: ref, p: p, sig: sig, name: name})
			}
		}
	})
	if t.Failed() {
		return
	}
	parallel(t, cases, func(c icase) string { return c.name }, func(t *testing.T, c icase) {
		interrupt(t, c.sc, c.ref, c.p, c.sig)
	})
}

// reference runs a scenario without interruption and returns its end state
// and its requests.
func reference(t *testing.T, sc scenario) (endState, []emulator.Request) {
	em, args := sc.start(t)
	em.ResetRequests()
	r := actiontest.Exec(t, env(em, em.URL()), sc.action, args...)
	r.Assert(t, icmd.Success)
	return readEndState(t, em), em.Requests()
}

// pickPoints chooses where to interrupt a run that made reqs: during a call's first request, or
// partway into work the run does on its own after one (seed-branch loading).
func pickPoints(rng *rand.Rand, reqs []emulator.Request) []point {
	var firsts []int // index of each call's first request
	seen := map[string]bool{}
	for i, r := range reqs {
		if !seen[r.Endpoint] {
			seen[r.Endpoint] = true
			firsts = append(firsts, i)
		}
	}
	var pts []point
	for _, k := range rng.Perm(len(firsts))[:min(pointsPerScenario, len(firsts))] {
		i := firsts[k]
		c := newCall(reqs[i].Endpoint)
		pts = append(pts, point{call: c})
		if i+1 < len(reqs) {
			answered := reqs[i].Time.Add(reqs[i].Duration)
			if gap := reqs[i+1].Time.Sub(answered); gap > 200*time.Millisecond {
				pts = append(pts, point{call: c, after: time.Duration(rng.Int64N(int64(gap * 2 / 5)))})
			}
		}
	}
	return pts
}

func nameHash(s string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(s))
	return h.Sum64()
}

func interrupt(t *testing.T, sc scenario, ref endState, p point, sig syscall.Signal) {
	em, args := sc.start(t)
	before := takeSnapshot(t, em)
	ip := newInterrupter(t, em.URL(), p)
	out := filepath.Join(t.TempDir(), "outputs.env")
	cmd := icmd.Command(testbin.Psflow(t), append([]string{sc.action, "--output-file", out}, args...)...)
	for k, v := range env(em, ip.URL) {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Env = append(cmd.Env, "PATH="+os.Getenv("PATH"), "HOME="+t.TempDir())
	res := icmd.StartCmd(cmd)
	assert.NilError(t, res.Error)
	ip.arm(res.Cmd.Process, sig)
	res = icmd.WaitOnCmd(time.Minute, res)
	run := actiontest.Run{Result: res, Outputs: actiontest.ReadOutputs(t, out)}
	t.Logf("interrupted run: exit %d\nstdout:\n%s\nstderr:\n%s", res.ExitCode, res.Stdout(), res.Stderr())
	actiontest.AssertNoSecrets(t, run, em.Token())

	assert.Assert(t, ip.fired(), "the run ended before the signal")
	switch sig {
	case syscall.SIGTERM:
		assert.Check(t, res.Cmd.ProcessState.Exited(), "SIGTERM killed psflow instead of stopping it")
		if res.ExitCode == 0 {
			// Only a run whose work was done (the signal came during a
			// report or clean-up call) may succeed.
			assert.Check(t, is.DeepEqual(readEndState(t, em), ref), "SIGTERM ended an unfinished run with exit 0")
		} else {
			assert.Check(t, is.Contains(res.Stderr(), "psflow "+sc.action+": "))
		}
		checkInvariants(t, em, sc, before)
	case syscall.SIGKILL:
		// Nothing cleans up after SIGKILL: a password being made or used
		// stays until its TTL.
		killed := sc
		b := cmp.Or(sc.branch, "pr-1")
		killed.passwords = map[string]int{b: sc.passwords[b] + 1}
		checkInvariants(t, em, killed, before)
	}

	again := actiontest.Exec(t, env(em, em.URL()), sc.action, args...)
	again.Assert(t, icmd.Success)
	got := readEndState(t, em)
	if sig == syscall.SIGKILL {
		for b, n := range got.Passwords {
			if n == ref.Passwords[b]+1 {
				got.Passwords[b] = ref.Passwords[b] // the one SIGKILL left
			}
		}
	}
	assert.Check(t, is.DeepEqual(got, ref), "the re-run did not end where an uninterrupted run does")
}

// interrupter is a proxy in front of an emulator that signals the psflow
// process at a point of its run.
type interrupter struct {
	*httptest.Server
	p     point
	armed chan struct{}

	mu    sync.Mutex
	hit   bool
	proc  *os.Process
	sig   os.Signal
	sent  bool
	early error
}

func newInterrupter(t *testing.T, target string, p point) *interrupter {
	t.Helper()
	proxy := reverseProxy(t, target)
	ip := &interrupter{p: p, armed: make(chan struct{})}
	ip.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ip.mu.Lock()
		first := !ip.hit && p.call.matches(r)
		ip.hit = ip.hit || first
		ip.mu.Unlock()
		switch {
		case !first:
			proxy.ServeHTTP(w, r)
		case p.after == 0:
			ip.fire()
			proxy.ServeHTTP(w, r)
		default:
			proxy.ServeHTTP(w, r)
			time.AfterFunc(p.after, ip.fire)
		}
	}))
	t.Cleanup(ip.Close)
	return ip
}

// arm names the process and the signal; requests can only come after.
func (ip *interrupter) arm(proc *os.Process, sig os.Signal) {
	ip.mu.Lock()
	ip.proc, ip.sig = proc, sig
	ip.mu.Unlock()
	close(ip.armed)
}

func (ip *interrupter) fire() {
	<-ip.armed
	ip.mu.Lock()
	defer ip.mu.Unlock()
	ip.early = ip.proc.Signal(ip.sig)
	ip.sent = ip.early == nil
}

// fired reports whether the signal reached the running process.
func (ip *interrupter) fired() bool {
	ip.mu.Lock()
	defer ip.mu.Unlock()
	return ip.sent
}

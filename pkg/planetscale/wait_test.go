package planetscale

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// states replays a sequence of states, one per poll, then repeats the last.
func states(seq ...string) (Poll, *int) {
	var n int
	return func(context.Context) (string, bool, error) {
		s := seq[min(n, len(seq)-1)]
		n++
		return s, s == "done", nil
	}, &n
}

type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func TestWaiterLogsEachStateChangeOnce(t *testing.T) {
	t.Parallel()
	var log logLines
	poll, n := states("pending", "pending", "pending", "queued", "queued", "done")
	w := &Waiter{What: "deploy #1", First: time.Millisecond, Max: 2 * time.Millisecond, Logf: log.logf}
	state, err := w.Wait(context.Background(), poll)
	assert.NilError(t, err)
	assert.Equal(t, state, "done")
	assert.Equal(t, *n, 6)
	assert.Equal(t, w.Polls(), 6)
	assert.Equal(t, len(log.lines), 3, "%q", log.lines)
	for i, want := range []string{"deploy #1: pending", "deploy #1: queued", "deploy #1: done"} {
		assert.Check(t, strings.HasPrefix(log.lines[i], want), "%q", log.lines[i])
		assert.Equal(t, w.Changes()[i].State, strings.TrimPrefix(want, "deploy #1: "))
	}
}

func TestWaiterTimesOut(t *testing.T) {
	t.Parallel()
	poll, _ := states("pending")
	w := &Waiter{What: "branch pr-1 to be ready", Timeout: 50 * time.Millisecond, First: 5 * time.Millisecond}
	start := time.Now()
	state, err := w.Wait(context.Background(), poll)
	var te *TimeoutError
	assert.Assert(t, errors.As(err, &te), "got %v", err)
	assert.Equal(t, state, "pending")
	assert.Equal(t, te.ExitCode(), 3)
	assert.Check(t, is.Contains(err.Error(), `branch pr-1 to be ready (last state "pending")`))
	assert.Check(t, time.Since(start) < time.Second)
}

func TestWaiterStopsOnCancel(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	poll, n := states("pending")
	go func() { time.Sleep(30 * time.Millisecond); cancel() }()
	w := &Waiter{What: "x", Timeout: time.Minute, First: 5 * time.Millisecond}
	_, err := w.Wait(ctx, poll)
	assert.Assert(t, errors.Is(err, context.Canceled), "got %v", err)
	var te *TimeoutError
	assert.Assert(t, !errors.As(err, &te))
	assert.Assert(t, *n >= 1)
}

func TestWaiterRidesOutTransientErrors(t *testing.T) {
	t.Parallel()
	n := 0
	poll := func(context.Context) (string, bool, error) {
		n++
		switch n {
		case 1:
			return "", false, &Error{Op: "get", Kind: KindRateLimited, Status: 429}
		case 2:
			return "", false, &Error{Op: "get", Kind: KindTransient, Status: 503}
		}
		return "ready", true, nil
	}
	var log logLines
	w := &Waiter{What: "x", First: time.Millisecond, Logf: log.logf}
	sleeps := recordSleeps(w)
	state, err := w.Wait(context.Background(), poll)
	assert.NilError(t, err)
	assert.Equal(t, state, "ready")
	assert.Equal(t, n, 3)
	assert.Equal(t, w.RateLimited(), 1)
	// a poll that failed with 429 slows the waiter down to the cap at once
	assert.Check(t, within(sleeps()[0], DefaultMax), "%v", sleeps())
	assert.Check(t, is.Contains(strings.Join(log.lines, "\n"), "x: still waiting after an API error: get: unavailable (HTTP 503)"))
}

func TestWaiterReturnsPermanentErrors(t *testing.T) {
	t.Parallel()
	poll := func(context.Context) (string, bool, error) {
		return "", false, &Error{Op: "get deploy request #9", Kind: KindNotFound, Status: 404}
	}
	w := &Waiter{What: "x", First: time.Millisecond}
	_, err := w.Wait(context.Background(), poll)
	assert.Assert(t, IsKind(err, KindNotFound))
	assert.Equal(t, w.Polls(), 1)
}

func TestWaiterBacksOffToTheCap(t *testing.T) {
	t.Parallel()
	polls := 0
	poll := func(context.Context) (string, bool, error) {
		polls++
		return "pending", polls == 9, nil
	}
	w := &Waiter{What: "x", First: 200 * time.Millisecond, Max: time.Second}
	sleeps := recordSleeps(w)
	_, err := w.Wait(context.Background(), poll)
	assert.NilError(t, err)
	want := []time.Duration{200, 300, 450, 675, 1000, 1000, 1000, 1000}
	assert.Equal(t, len(sleeps()), len(want))
	for i, d := range sleeps() {
		assert.Check(t, within(d, want[i]*time.Millisecond), "sleep %d: %s, want %dms ± 20%%", i, d, want[i])
	}
}

// recordSleeps makes w's sleeps instant and returns a function listing
// the durations w asked for, jitter included.
func recordSleeps(w *Waiter) func() []time.Duration {
	var mu sync.Mutex
	var sleeps []time.Duration
	w.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		sleeps = append(sleeps, d)
		return ctx.Err()
	}
	return func() []time.Duration {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(sleeps)
	}
}

// within reports whether d is want with at most the waiter's ±20% jitter.
func within(d, want time.Duration) bool {
	return d >= want*8/10 && d <= want*12/10
}

// A state a poll observed before moving it on is logged and kept among the
// changes, once, in its place.
func TestWaiterObserveKeepsTheStateAPollMovedOn(t *testing.T) {
	t.Parallel()
	var log logLines
	w := &Waiter{What: "deploy #1", First: time.Millisecond, Max: 2 * time.Millisecond, Logf: log.logf}
	seq := []string{"ready", "queued", "done"}
	n := 0
	state, err := w.Wait(context.Background(), func(context.Context) (string, bool, error) {
		n++
		if n == 1 {
			w.Observe("ready")
			w.Observe("ready")
			return "queued", false, nil
		}
		s := seq[min(n, len(seq)-1)]
		return s, s == "done", nil
	})
	assert.NilError(t, err)
	assert.Equal(t, state, "done")
	var got []string
	for _, c := range w.Changes() {
		got = append(got, c.State)
	}
	assert.DeepEqual(t, got, []string{"ready", "queued", "done"})
	assert.Equal(t, len(log.lines), 3, "%q", log.lines)
}

// Delay holds the first poll back.
func TestWaiterDelaysTheFirstPoll(t *testing.T) {
	t.Parallel()
	var slept []time.Duration
	poll, n := states("done")
	w := &Waiter{What: "diff", Delay: 250 * time.Millisecond, sleep: func(_ context.Context, d time.Duration) error {
		slept = append(slept, d)
		return nil
	}}
	_, err := w.Wait(context.Background(), poll)
	assert.NilError(t, err)
	assert.Equal(t, *n, 1)
	assert.DeepEqual(t, slept, []time.Duration{250 * time.Millisecond})
}

// After a poll that acted (Observe), the next poll comes after Soon; after
// one that only read a change, after First.
func TestWaiterLooksSoonAfterItsOwnCall(t *testing.T) {
	t.Parallel()
	var slept []time.Duration
	n := 0
	w := &Waiter{What: "deploy #1", First: time.Second, Soon: 10 * time.Millisecond, sleep: func(_ context.Context, d time.Duration) error {
		slept = append(slept, d)
		return nil
	}}
	_, err := w.Wait(context.Background(), func(context.Context) (string, bool, error) {
		n++
		switch n {
		case 1:
			w.Observe("ready")
			return "queued", false, nil
		case 2:
			return "in_progress", false, nil
		}
		return "done", true, nil
	})
	assert.NilError(t, err)
	assert.Equal(t, len(slept), 2)
	assert.Check(t, slept[0] <= 12*time.Millisecond, "after acting: %s", slept[0])
	assert.Check(t, slept[1] >= 800*time.Millisecond, "after a change by itself: %s", slept[1])
}

package planetscale

import (
	"context"
	"errors"
	"fmt"
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
		if n < 3 {
			return "", false, &Error{Op: "get", Kind: KindRateLimited, Status: 429}
		}
		return "ready", true, nil
	}
	w := &Waiter{What: "x", First: time.Millisecond}
	state, err := w.Wait(context.Background(), poll)
	assert.NilError(t, err)
	assert.Equal(t, state, "ready")
	assert.Equal(t, n, 3)
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
	var times []time.Time
	poll := func(context.Context) (string, bool, error) {
		times = append(times, time.Now())
		return "pending", len(times) == 8, nil
	}
	w := &Waiter{What: "x", First: 2 * time.Millisecond, Max: 10 * time.Millisecond}
	_, err := w.Wait(context.Background(), poll)
	assert.NilError(t, err)
	first, last := times[1].Sub(times[0]), times[7].Sub(times[6])
	assert.Check(t, last > first, "intervals did not grow: first %s last %s", first, last)
	assert.Check(t, last < 50*time.Millisecond, "interval passed the cap: %s", last)
}

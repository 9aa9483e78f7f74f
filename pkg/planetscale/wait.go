package planetscale

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"
)

// Poll reads the current state of what is being waited for. done ends the
// wait; an error ends it too unless the error is transient.
type Poll func(ctx context.Context) (state string, done bool, err error)

// Waiter is the one poll loop every action uses: fast first polls, backing
// off to a cap with jitter, a deadline, cancellation, and one log line per
// state change.
type Waiter struct {
	What    string        // what is awaited, for logs and errors: "branch pr-7 of acme/app to be ready"
	Timeout time.Duration // 0 waits until ctx ends
	First   time.Duration // first interval; default 250ms
	Max     time.Duration // interval cap; default 5s
	Logf    func(format string, args ...any)

	polls   int
	changes []Change
}

// Change is one observed state change.
type Change struct {
	State string
	At    time.Duration // since the wait started
}

// TimeoutError is a wait that ran past its deadline (exit code 3).
type TimeoutError struct {
	What  string
	State string // the last state seen
	After time.Duration
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("timed out after %s waiting for %s (last state %q); raise the timeout input or check the PlanetScale dashboard",
		e.After.Round(time.Second), e.What, e.State)
}

// ExitCode is 3 for a timeout.
func (e *TimeoutError) ExitCode() int { return 3 }

// Wait polls until poll reports done, the timeout passes (*TimeoutError),
// or ctx ends. It returns the last state.
func (w *Waiter) Wait(ctx context.Context, poll Poll) (string, error) {
	first, maxInterval := w.First, w.Max
	if first <= 0 {
		first = 250 * time.Millisecond
	}
	if maxInterval < first {
		maxInterval = max(5*time.Second, first)
	}
	logf := w.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	start := time.Now()
	waitCtx := ctx
	if w.Timeout > 0 {
		var cancel context.CancelFunc
		waitCtx, cancel = context.WithTimeout(ctx, w.Timeout)
		defer cancel()
	}
	state, interval := "", first
	for {
		w.polls++
		s, done, err := poll(waitCtx)
		switch {
		case err == nil:
			if s != state || w.polls == 1 {
				at := time.Since(start)
				w.changes = append(w.changes, Change{State: s, At: at})
				logf("%s: %s (after %s)", w.What, s, at.Round(time.Millisecond))
				if s != state {
					interval = first // things move in bursts: look again soon
				}
				state = s
			}
			if done {
				return state, nil
			}
		case IsKind(err, KindTransient) || IsKind(err, KindRateLimited):
			logf("%s: still waiting after an API error: %v", w.What, err)
		case ctx.Err() == nil && waitCtx.Err() != nil:
			// the poll was cut short by the wait's own deadline
		default:
			return state, err
		}
		sleep := jitter(interval)
		interval = min(interval*3/2, maxInterval)
		if err := sleepCtx(waitCtx, sleep); err != nil {
			if ctx.Err() != nil {
				return state, fmt.Errorf("waiting for %s: %w", w.What, ctx.Err())
			}
			return state, &TimeoutError{What: w.What, State: state, After: time.Since(start)}
		}
	}
}

// Polls is the number of polls made so far.
func (w *Waiter) Polls() int { return w.polls }

// Changes lists the states seen, in order, with when they were first seen.
func (w *Waiter) Changes() []Change { return w.changes }

// jitter spreads d by ±20% so many runners do not poll in step.
func jitter(d time.Duration) time.Duration {
	return d + time.Duration((rand.Float64()*0.4-0.2)*float64(d))
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

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

// Default intervals of a Waiter: DefaultSoon after a call of the run's own, DefaultFirst
// after a change, DefaultMax and DefaultMaxLimited as caps (docs/design/client.md).
const (
	DefaultSoon       = 100 * time.Millisecond
	DefaultFirst      = 250 * time.Millisecond
	DefaultMax        = 3 * time.Second
	DefaultMaxLimited = 30 * time.Second
)

// Waiter is the poll loop every action uses: fast polls after a change, backing off to a cap,
// with jitter, a deadline, and slower polls under 429s (docs/design/client.md).
type Waiter struct {
	What       string        // what is awaited, for logs and errors: "branch pr-7 of acme/app to be ready"
	Timeout    time.Duration // 0 waits until ctx ends
	First      time.Duration // first interval, and the interval after a change; default DefaultFirst
	Max        time.Duration // interval cap; default DefaultMax
	MaxLimited time.Duration // interval cap while rate limited; default DefaultMaxLimited
	// Delay is how long to wait before the first poll, for a state just read elsewhere (a
	// deploy request's diff, pending in the answer to its creation).
	Delay time.Duration
	// Soon is the interval after a poll that moved the state on itself (it called Observe,
	// then acted), whose answer comes quickly; 0 means First.
	Soon time.Duration
	Logf func(format string, args ...any)

	polls   int
	limited int
	start   time.Time
	state   string // the last state seen
	acted   bool   // the poll under way called Observe
	changes []Change
	logf    func(format string, args ...any)
	sleep   func(context.Context, time.Duration) error // sleepCtx; tests replace it
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
	p := newPacer(w.First, w.Max, w.MaxLimited)
	logf, sleep := w.Logf, w.sleep
	if logf == nil {
		logf = func(string, ...any) {}
	}
	if sleep == nil {
		sleep = sleepCtx
	}
	w.start = time.Now()
	start := w.start
	waitCtx := ctx
	if w.Timeout > 0 {
		var cancel context.CancelFunc
		waitCtx, cancel = context.WithTimeout(ctx, w.Timeout)
		defer cancel()
	}
	w.state, w.logf = "", logf
	if w.Delay > 0 {
		if err := sleep(waitCtx, w.Delay); err != nil {
			if ctx.Err() != nil {
				return "", fmt.Errorf("waiting for %s: %w", w.What, ctx.Err())
			}
			return "", &TimeoutError{What: w.What, After: time.Since(start)}
		}
	}
	for {
		w.polls++
		var seen rateLimitNote
		before := len(w.changes)
		s, done, err := poll(context.WithValue(waitCtx, rateLimitKey{}, &seen))
		changed, limited := false, seen.n.Load() > 0 || IsKind(err, KindRateLimited)
		switch {
		case err == nil:
			changed = s != w.state || len(w.changes) > before
			if s != w.state || w.polls == 1 && len(w.changes) == before {
				w.record(s)
			}
			if done {
				return w.state, nil
			}
		case IsKind(err, KindTransient) || IsKind(err, KindRateLimited):
			logf("%s: still waiting after an API error: %v", w.What, err)
		case ctx.Err() == nil && waitCtx.Err() != nil:
			// the poll was cut short by the wait's own deadline
		default:
			return w.state, err
		}
		if limited {
			w.limited++
		}
		wasSlow := p.slow > 0
		d := p.next(changed, limited)
		if w.acted && w.Soon > 0 && !limited {
			d = min(d, w.Soon)
		}
		w.acted = false
		if slow := p.slow > 0; slow != wasSlow {
			if slow {
				logf("%s: slowing down to a poll every %s while the API rate limits this service token", w.What, d.Round(time.Second))
			} else {
				logf("%s: no longer rate limited; polling at the usual pace again", w.What)
			}
		}
		if err := sleep(waitCtx, jitter(d)); err != nil {
			if ctx.Err() != nil {
				return w.state, fmt.Errorf("waiting for %s: %w", w.What, ctx.Err())
			}
			return w.state, &TimeoutError{What: w.What, State: w.state, After: time.Since(start)}
		}
	}
}

// Observe records a state a poll saw before moving it on itself, like a state a poll
// returned; the next poll comes after Soon.
func (w *Waiter) Observe(state string) {
	w.acted = true
	w.record(state)
}

// record logs state and keeps it among the changes, unless it is the last
// state seen.
func (w *Waiter) record(state string) {
	if state == w.state && len(w.changes) > 0 {
		return
	}
	at := time.Since(w.start)
	w.changes = append(w.changes, Change{State: state, At: at})
	w.logf("%s: %s (after %s)", w.What, state, at.Round(time.Millisecond))
	w.state = state
}

// Polls is the number of polls made so far.
func (w *Waiter) Polls() int { return w.polls }

// RateLimited is the number of polls the API answered 429 at least once,
// whether or not the transport's retries then got through.
func (w *Waiter) RateLimited() int { return w.limited }

// Changes lists the states seen, in order, with when they were first seen.
func (w *Waiter) Changes() []Change { return w.changes }

// pacer decides the interval after each poll, before jitter.
type pacer struct {
	first, max, maxLimited time.Duration
	interval               time.Duration // the interval of an unthrottled waiter
	slow                   time.Duration // > 0 while rate limited: the interval then
}

func newPacer(first, maxInterval, maxLimited time.Duration) *pacer {
	if first <= 0 {
		first = DefaultFirst
	}
	if maxInterval <= 0 {
		maxInterval = DefaultMax
	}
	maxInterval = max(maxInterval, first)
	if maxLimited <= 0 {
		maxLimited = DefaultMaxLimited
	}
	return &pacer{first: first, max: maxInterval, maxLimited: max(maxLimited, maxInterval), interval: first}
}

// next is the interval after a poll that saw a new state (changed) or met a 429 (limited):
// it grows up to max, and 429s slow it down to maxLimited (docs/design/client.md).
func (p *pacer) next(changed, limited bool) time.Duration {
	switch {
	case limited:
		p.slow = min(max(2*max(p.slow, p.interval), p.max), p.maxLimited)
	case p.slow > 0:
		if p.slow /= 2; p.slow < p.max {
			p.slow = 0
		}
	}
	if changed && p.slow > 0 {
		p.slow = max(p.slow/2, p.max)
	}
	switch {
	case p.slow > 0:
		p.interval = p.slow
	case changed:
		p.interval = p.first
	}
	d := p.interval
	if p.slow == 0 {
		p.interval = min(p.interval*3/2, p.max)
	}
	return d
}

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

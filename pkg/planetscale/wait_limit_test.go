package planetscale

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// step is one poll's outcome and the interval the pacer should choose
// after it, before jitter.
type step struct {
	changed, limited bool
	want             time.Duration
}

func TestPacer(t *testing.T) {
	t.Parallel()
	ms := func(n float64) time.Duration { return time.Duration(n * float64(time.Millisecond)) }
	const (
		same    = false
		changed = true
		ok      = false
		limited = true
	)
	tests := []struct {
		name  string
		steps []step
	}{
		{"grows by half to the cap", []step{
			{changed, ok, ms(200)}, {same, ok, ms(300)}, {same, ok, ms(450)}, {same, ok, ms(675)},
			{same, ok, ms(1000)}, {same, ok, ms(1000)},
		}},
		{"a change goes back to the first interval", []step{
			{changed, ok, ms(200)}, {same, ok, ms(300)}, {same, ok, ms(450)}, {changed, ok, ms(200)}, {same, ok, ms(300)},
		}},
		{"a 429 doubles the interval, at least to the cap", []step{
			{changed, limited, ms(1000)}, {same, limited, ms(2000)}, {same, limited, ms(4000)},
		}},
		{"a 429 doubles an interval already at the cap", []step{
			{changed, ok, ms(200)}, {same, ok, ms(300)}, {same, ok, ms(450)}, {same, ok, ms(675)},
			{same, ok, ms(1000)}, {same, limited, ms(2000)},
		}},
		{"rate limited up to max_limited", []step{
			{same, limited, ms(1000)}, {same, limited, ms(2000)}, {same, limited, ms(4000)},
			{same, limited, ms(8000)}, {same, limited, ms(10000)}, {same, limited, ms(10000)},
		}},
		{"recovers by halves, then resumes the usual pace", []step{
			{same, limited, ms(1000)}, {same, limited, ms(2000)}, {same, limited, ms(4000)}, {same, limited, ms(8000)},
			{same, ok, ms(4000)}, {same, ok, ms(2000)}, {same, ok, ms(1000)}, {same, ok, ms(1000)},
			{changed, ok, ms(200)}, {same, ok, ms(300)},
		}},
		{"a change while throttled halves the interval, even with a 429", []step{
			{same, limited, ms(1000)}, {same, limited, ms(2000)}, {same, limited, ms(4000)}, {same, limited, ms(8000)},
			{changed, limited, ms(5000)}, {changed, ok, ms(1250)}, {changed, ok, ms(200)},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := newPacer(ms(200), time.Second, 10*time.Second)
			for i, s := range tt.steps {
				assert.Equal(t, p.next(s.changed, s.limited), s.want, "step %d", i)
			}
		})
	}
}

func TestPacerDefaults(t *testing.T) {
	t.Parallel()
	p := newPacer(0, 0, 0)
	assert.Equal(t, p.first, DefaultFirst)
	assert.Equal(t, p.max, DefaultMax)
	assert.Equal(t, p.maxLimited, DefaultMaxLimited)
	p = newPacer(2*time.Second, time.Second, time.Millisecond)
	assert.Equal(t, p.max, 2*time.Second, "the cap is never below the first interval")
	assert.Equal(t, p.maxLimited, 2*time.Second, "nor max_limited below the cap")
}

// TestWaiterSlowsDownWhenRateLimited makes polls meet 429s the way the
// transport reports them, and checks the intervals the waiter chose.
func TestWaiterSlowsDownWhenRateLimited(t *testing.T) {
	t.Parallel()
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	// state and whether the transport met a 429 on each poll
	script := []struct {
		state   string
		limited bool
	}{
		{"pending", false}, {"pending", true}, {"pending", true}, {"queued", false},
		{"queued", false}, {"queued", false}, {"submitting", false}, {"done", false},
	}
	n := 0
	poll := func(ctx context.Context) (string, bool, error) {
		s := script[n]
		n++
		if s.limited {
			noteRateLimited(ctx)
			noteRateLimited(ctx) // two 429s in one poll count once
		}
		return s.state, s.state == "done", nil
	}
	var log logLines
	w := &Waiter{What: "deploy request #3", First: ms(200), Max: time.Second, MaxLimited: 10 * time.Second, Logf: log.logf}
	sleeps := recordSleeps(w)
	state, err := w.Wait(context.Background(), poll)
	assert.NilError(t, err)
	assert.Equal(t, state, "done")
	assert.Equal(t, w.Polls(), 8)
	assert.Equal(t, w.RateLimited(), 2)
	want := []time.Duration{ms(200), ms(1000), ms(2000), ms(1000), ms(1000), ms(1000), ms(200)}
	got := sleeps()
	assert.Equal(t, len(got), len(want), "%v", got)
	for i := range want {
		assert.Check(t, within(got[i], want[i]), "sleep %d: %s, want %s ± 20%%", i, got[i], want[i])
	}
	all := strings.Join(log.lines, "\n")
	assert.Check(t, is.Contains(all, "deploy request #3: slowing down to a poll every 1s while the API rate limits this service token"))
	assert.Check(t, is.Contains(all, "deploy request #3: no longer rate limited"))
	assert.Equal(t, strings.Count(all, "slowing down"), 1)
}

// TestWaiterNoticesA429TheTransportRetried polls a real client whose first request is
// answered 429: the transport's retry gets through, and the waiter still slows down.
func TestWaiterNoticesA429TheTransportRetried(t *testing.T) {
	t.Parallel()
	var requests atomic.Int64
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if requests.Add(1) == 1 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			w.Write([]byte(`{"code":"rate_limited","message":"slow down"}`))
			return
		}
		w.Write([]byte(`{"name":"pr-1","ready":false}`))
	}, fastRetry)
	polls := 0
	w := &Waiter{What: "branch pr-1", Max: time.Second, MaxLimited: 10 * time.Second}
	sleeps := recordSleeps(w)
	_, err := w.Wait(context.Background(), func(ctx context.Context) (string, bool, error) {
		b, err := c.GetBranch(ctx, "app", "pr-1")
		if err != nil {
			return "", false, err
		}
		polls++
		return map[bool]string{true: "ready", false: "not ready"}[b.Ready], polls == 2, nil
	})
	assert.NilError(t, err)
	assert.Equal(t, requests.Load(), int64(3))
	assert.Equal(t, c.Calls(), int64(3))
	assert.Equal(t, w.RateLimited(), 1)
	got := sleeps()
	assert.Equal(t, len(got), 1)
	assert.Check(t, within(got[0], time.Second), "slept %s after a poll that met a 429, want the cap", got[0])
}

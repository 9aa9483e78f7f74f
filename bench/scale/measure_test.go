package main

import (
	"net/http"
	"testing"
	"time"

	"gotest.tools/v3/assert"

	"github.com/psflow/psflow/bench/internal/benchkit"
	"github.com/psflow/psflow/pkg/emulator"
)

func TestParseStateLine(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		line string
		want observation
		ok   bool
	}{
		{"branch pr-1 of acme/db-1 to be ready: not ready (after 0s)", observation{kindBranch, "not ready", at}, true},
		{"branch pr-1 of acme/db-1 to be ready: ready (after 12.3s)", observation{kindBranch, "ready", at}, true},
		{"the diff of deploy request #1 of acme/db-1: ready (after 250ms)", observation{kindDeploy, "ready", at}, true},
		{"12:00:01.250Z deploy request #7 of acme/db-1: in_progress_cutover (after 3.2s)", observation{kindDeploy, "in_progress_cutover", at}, true},
		{"retrying GET /v1/organizations/acme/databases/db-1/branches/pr-1 in 1s (attempt 1: 429 Too Many Requests)", observation{}, false},
		{"branch pr-1 of acme/db-1 created (parent main, ready=true)", observation{}, false},
		{"deploy request #1 of acme/db-1: still waiting after an API error: rate limited", observation{}, false},
	}
	for _, tt := range tests {
		got, ok := parseStateLine(tt.line, at)
		assert.Equal(t, ok, tt.ok, tt.line)
		assert.Equal(t, got, tt.want, tt.line)
	}
}

func TestAddDeployDelays(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	trs := []emulator.Transition{
		{State: "pending", At: at(0)}, {State: "ready", At: at(2000)}, {State: "queued", At: at(3000)},
		{State: "submitting", At: at(4000)}, {State: "in_progress", At: at(7000)},
		{State: "in_progress_cutover", At: at(15000)}, {State: "complete_pending_revert", At: at(17000)},
	}
	seen := []observation{
		{kindBranch, "ready", at(-5000)},
		{kindDeploy, "pending", at(10)}, {kindDeploy, "ready", at(2300)}, {kindDeploy, "queued", at(3010)},
		{kindDeploy, "in_progress", at(7500)}, {kindDeploy, "in_progress_cutover", at(15200)},
		{kindDeploy, "complete_pending_revert", at(17100)},
	}
	tests := []struct {
		name            string
		obs             []observation
		diff, deploy    []time.Duration
		skipped, unseen int
	}{
		{
			name: "submitting skipped", obs: seen,
			diff:    []time.Duration{300 * time.Millisecond},
			deploy:  []time.Duration{3500 * time.Millisecond, 500 * time.Millisecond, 200 * time.Millisecond, 100 * time.Millisecond},
			skipped: 1,
		},
		{
			name: "run ended early", obs: seen[:5],
			diff:    []time.Duration{300 * time.Millisecond},
			deploy:  []time.Duration{3500 * time.Millisecond, 500 * time.Millisecond},
			skipped: 1, unseen: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := scenarioResult{delays: map[string][]time.Duration{}}
			res.addDeployDelays(&lifecycle{obs: tt.obs}, trs)
			assert.DeepEqual(t, res.delays[delayDiff], tt.diff)
			assert.DeepEqual(t, res.delays[delayDeploy], tt.deploy)
			assert.Equal(t, res.skipped, tt.skipped)
			assert.Equal(t, res.unseen, tt.unseen)
		})
	}
}

func TestPeak(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var hits []benchkit.Hit
	// One request a second for 30 s, then 20 answered 429 and 5 answered
	// 200 within one second.
	for i := range 30 {
		hits = append(hits, benchkit.Hit{At: t0.Add(time.Duration(i) * time.Second), Status: http.StatusOK})
	}
	for i := range 25 {
		status := http.StatusTooManyRequests
		if i%5 == 0 {
			status = http.StatusOK
		}
		hits = append(hits, benchkit.Hit{At: t0.Add(40*time.Second + time.Duration(i)*10*time.Millisecond), Status: status})
	}
	res := scenarioResult{hits: hits}
	assert.Equal(t, res.peak(10*time.Second, true), 25)
	assert.Equal(t, res.peak(10*time.Second, false), 10)
	assert.Equal(t, res.limited(), 20)
}

func TestFirstDistinct(t *testing.T) {
	t.Parallel()
	errs := []string{
		"exit status 1: psflow create-branch: create a password on branch pr-3 of acme/db-3: rate limited",
		"wait for the diff: rate limit exceeded",
		"exit status 1: psflow create-branch: create a password on branch pr-17 of acme/db-17: rate limited",
		"delete branch: not found",
	}
	assert.DeepEqual(t, firstDistinct(errs, 2), []string{
		"exit status N: psflow create-branch: create a password on branch pr-N of acme/db-N: rate limited (×2)",
		"wait for the diff: rate limit exceeded (×1)",
	})
}

package main

import (
	"context"
	"testing"
	"time"

	"gotest.tools/v3/assert"

	"github.com/psflow/psflow/bench/internal/benchkit"
)

// TestFixedPollerScenario runs two poller lifecycles with timings far shorter than its
// intervals: every state change is noticed within one interval.
func TestFixedPollerScenario(t *testing.T) {
	t.Parallel()
	dsn := benchkit.TestDSN(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cfg := config{timeScale: 0.01, rateLimit: 600, dsn: dsn, timeout: time.Minute}
	res, err := runScenario(ctx, cfg, 2, clientFixed)
	assert.NilError(t, err)
	assert.Equal(t, res.failed, 0, "%v", res.errs)
	assert.Equal(t, len(res.lifecycles), 2)
	assert.Equal(t, len(res.hits), res.counted)
	assert.Equal(t, res.limited(), 0)
	assert.Equal(t, res.unseen, 0)

	slack := 500 * time.Millisecond
	assert.Equal(t, len(res.delays[delayBranch]), 2)
	assert.Equal(t, len(res.delays[delayDiff]), 2)
	// submitting, in_progress, in_progress_cutover, complete_pending_revert
	assert.Equal(t, len(res.delays[delayDeploy]), 8)
	for group, limit := range map[string]time.Duration{delayBranch: branchInterval, delayDiff: deployInterval, delayDeploy: deployInterval} {
		for _, d := range res.delays[group] {
			assert.Check(t, d >= 0, "%s noticed %s before it happened", group, -d)
			assert.Check(t, d < limit+slack, "%s noticed after %s", group, d)
		}
	}
}

package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/psflow/psflow/bench/internal/benchkit"
	"github.com/psflow/psflow/pkg/emulator"
)

// runScenario runs n lifecycles of one client at once against a fresh
// emulator.
func runScenario(ctx context.Context, cfg config, n int, client string) (scenarioResult, error) {
	timings, err := emulator.ProfileTimings(emulator.ProfileRealistic)
	if err != nil {
		return scenarioResult{}, err
	}
	dbs := make([]string, n)
	for i := range dbs {
		dbs[i] = fmt.Sprintf("db-%d", i+1)
	}
	em, err := benchkit.StartEmulator(ctx, emulator.Config{
		Databases: dbs, MySQLDSN: cfg.dsn, Timings: timings, TimeScale: cfg.timeScale, RateLimit: cfg.rateLimit,
	})
	if err != nil {
		return scenarioResult{}, err
	}
	s := &scenario{cfg: cfg, client: client, em: em, readyAt: map[string]time.Time{}}
	res, err := s.run(ctx, dbs)
	return res, errors.Join(err, em.Stop())
}

func (s *scenario) run(ctx context.Context, dbs []string) (scenarioResult, error) {
	for _, db := range dbs {
		if err := s.exec(ctx, db, "main", benchkit.ProductionSchema); err != nil {
			return scenarioResult{}, err
		}
	}
	sampleCtx, stopSampling := context.WithCancel(ctx)
	sampled := make(chan struct{})
	go func() { defer close(sampled); s.sample(sampleCtx) }()

	lcs := make([]*lifecycle, len(dbs))
	start := time.Now()
	var wg sync.WaitGroup
	for i, db := range dbs {
		lc := &lifecycle{i: i + 1, database: db, branch: fmt.Sprintf("pr-%d", i+1)}
		lcs[i] = lc
		wg.Go(func() {
			lctx, cancel := context.WithTimeout(ctx, s.cfg.timeout)
			defer cancel()
			lc.start = time.Now()
			if s.client == clientPsflow {
				lc.err = s.runPsflow(lctx, lc)
			} else {
				lc.err = s.runFixed(lctx, lc)
			}
			lc.end = time.Now()
		})
	}
	wg.Wait()
	wall := time.Since(start)
	stopSampling()
	<-sampled
	if ctx.Err() != nil {
		return scenarioResult{}, ctx.Err()
	}
	s.sampleOnce()
	return s.measure(lcs, start, wall), nil
}

// sample records when each PR branch becomes ready, from the emulator's
// state, until ctx ends (branches are gone from the state once deleted).
func (s *scenario) sample(ctx context.Context) {
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		s.sampleOnce()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (s *scenario) sampleOnce() {
	st := s.em.State()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, db := range st.Databases {
		for _, b := range db.Branches {
			if !b.Production && b.ReadyAt != nil {
				s.readyAt[db.Name] = *b.ReadyAt
			}
		}
	}
}

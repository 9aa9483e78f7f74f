package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/psflow/psflow/bench/internal/benchkit"
	"github.com/psflow/psflow/pkg/emulator"
)

// runFlow runs a flow once against a fresh emulator with zero timings.
func runFlow(ctx context.Context, cfg config, f flow, round int) runResult {
	var res runResult
	em, err := benchkit.StartEmulator(ctx, emulator.Config{
		Databases: []string{database}, MySQLDSN: cfg.dsn, RateLimit: emulator.DefaultRateLimit,
	})
	if err != nil {
		res.err = err
		return res
	}
	defer func() { res.err = errors.Join(res.err, em.Stop()) }()
	r := &run{cfg: cfg, em: em, dir: filepath.Join(cfg.work, fmt.Sprintf("%s-%d", f.name, round))}
	if err := os.MkdirAll(filepath.Join(r.dir, "home"), 0o700); err != nil {
		res.err = err
		return res
	}
	if err := r.exec(ctx, "main", benchkit.ProductionSchema); err != nil {
		res.err = err
		return res
	}
	for _, s := range f.steps {
		before, start := len(em.Requests()), time.Now()
		err := s.run(ctx, r)
		took := time.Since(start)
		if err != nil {
			res.err = fmt.Errorf("%s: %w", s.name, err)
			return res
		}
		if !s.untimed {
			var endpoints []string
			for _, req := range em.Requests()[before:] {
				endpoints = append(endpoints, strings.TrimPrefix(req.Endpoint, "/v1/organizations/{organization}/databases/{database}"))
			}
			res.steps = append(res.steps, stepResult{name: s.name, took: took, calls: len(endpoints), endpoints: endpoints})
			res.total += took
		}
		if cfg.verbose {
			fmt.Fprintf(os.Stderr, "  %s %s: %s\n", f.name, s.name, took.Round(time.Millisecond))
			if !s.untimed {
				for _, e := range res.steps[len(res.steps)-1].endpoints {
					fmt.Fprintf(os.Stderr, "    %s\n", e)
				}
			}
		}
	}
	for _, req := range em.Requests() {
		res.calls++
		if req.Status == 429 {
			res.limited++
		}
	}
	res.endState, res.deployed, res.err = r.outcome(ctx)
	return res
}

// outcome reads the final deployment state of the run's deploy request
// and whether main got the new column.
func (r *run) outcome(ctx context.Context) (string, bool, error) {
	st := r.em.State()
	drs := st.Databases[0].DeployRequests
	if len(drs) != 1 {
		return "", false, fmt.Errorf("%d deploy requests, want 1", len(drs))
	}
	db, _ := r.em.BranchDatabase(database, "main")
	tables, err := r.em.Storage().Schema(ctx, db)
	if err != nil {
		return "", false, err
	}
	for _, t := range tables {
		if t.Name == "hotels" {
			return drs[0].DeploymentState, strings.Contains(t.SQL, "description"), nil
		}
	}
	return drs[0].DeploymentState, false, errors.New("main has no hotels table")
}

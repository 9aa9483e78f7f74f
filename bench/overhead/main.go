// Command overhead times the five-step PlanetScale flow end to end, as whole processes against
// the emulator: psflow, the pscale CLI and the CodeBuild guide's shell loop, alternating.
// It prints markdown tables; docs/design/bench.md says how it measures.
//
//	PSFLOW_PSCALE=/path/to/pscale go run ./bench/overhead [-rounds 5] [-mysql-dsn DSN]
//
// Without PSFLOW_PSCALE the pscale and guide flows print "not run".
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"

	"github.com/psflow/psflow/bench/internal/benchkit"
)

func main() {
	var cfg config
	flag.IntVar(&cfg.rounds, "rounds", 5, "rounds; each runs every flow once, in rotating order")
	flag.StringVar(&cfg.dsn, "mysql-dsn", os.Getenv("PSFLOW_TEST_MYSQL_DSN"), "MySQL server for the emulator's storage (default $PSFLOW_TEST_MYSQL_DSN; empty: embedded)")
	flag.StringVar(&cfg.psflow, "psflow", "", "psflow binary (default: build ./cmd/psflow)")
	flag.StringVar(&cfg.base, "baseline", "", "another psflow binary (say, built from an earlier commit), run as flow psflow-baseline in the same rounds")
	flag.BoolVar(&cfg.verbose, "verbose", false, "print each run's steps to stderr")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := realMain(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "overhead:", err)
		os.Exit(1)
	}
}

func realMain(ctx context.Context, cfg config) error {
	if cfg.rounds < 1 {
		return fmt.Errorf("-rounds %d: want at least 1", cfg.rounds)
	}
	work, err := os.MkdirTemp("", "psflow-overhead-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	cfg.work = work
	if cfg.psflow == "" {
		if cfg.psflow, err = benchkit.BuildPsflow(work); err != nil {
			return err
		}
	}
	cfg.pscale = os.Getenv("PSFLOW_PSCALE")
	cfg.jq, _ = exec.LookPath("jq")

	flows := []flow{psflowFlow("psflow", func(c config) string { return c.psflow })}
	if cfg.base != "" {
		flows = append(flows, psflowFlow("psflow-baseline", func(c config) string { return c.base }))
	}
	flows = append(flows, pscaleFlow(), guideFlow())
	results := map[string][]runResult{}
	for r := range cfg.rounds {
		for i := range flows {
			f := flows[(r+i)%len(flows)]
			if f.skip(cfg) != "" {
				continue
			}
			res := runFlow(ctx, cfg, f, r)
			if res.err != nil && ctx.Err() != nil {
				return ctx.Err()
			}
			results[f.name] = append(results[f.name], res)
			fmt.Fprintf(os.Stderr, "round %d %-15s %s, %d API calls%s\n", r+1, f.name, res.total.Round(1e6), res.calls, failure(res))
		}
	}
	report(ctx, cfg, flows, results)
	return nil
}

// failure describes a failed run for the progress line.
func failure(r runResult) string {
	if r.err == nil {
		return ""
	}
	return ": FAILED: " + r.err.Error()
}

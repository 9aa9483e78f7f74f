// Command scale runs N pull request lifecycles at once against one emulator and service token,
// psflow's processes beside a pscale-like fixed-interval poller, and prints what each took.
// docs/design/bench.md says how it measures and why the default -time-scale is 0.63.
//
//	go run ./bench/scale [-n 10,50,100] [-time-scale 0.63] [-mysql-dsn DSN] [-sequential] [-verbose]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/psflow/psflow/bench/internal/benchkit"
)

func main() {
	var cfg config
	ns := flag.String("n", "10,50,100", "comma-separated numbers of concurrent lifecycles")
	clients := flag.String("clients", "psflow,fixed", "clients to run: psflow, fixed (the pscale-like poller)")
	flag.Float64Var(&cfg.timeScale, "time-scale", 0.63, "multiply the realistic timing profile by this (0.63: a lifecycle of about 85 s; not round, so a 1 s poller's ticks do not land just after the transitions)")
	flag.IntVar(&cfg.rateLimit, "rate-limit", 600, "requests per minute for the one service token")
	flag.StringVar(&cfg.dsn, "mysql-dsn", os.Getenv("PSFLOW_TEST_MYSQL_DSN"), "MySQL server for the emulator's storage (default $PSFLOW_TEST_MYSQL_DSN; empty: embedded)")
	flag.StringVar(&cfg.psflow, "psflow", "", "psflow binary (default: build ./cmd/psflow)")
	flag.DurationVar(&cfg.timeout, "timeout", 8*time.Minute, "give up on a lifecycle after this long")
	sequential := flag.Bool("sequential", false, "run the clients one after the other instead of side by side")
	flag.BoolVar(&cfg.verbose, "verbose", false, "print each scenario's API calls by endpoint to stderr")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := realMain(ctx, cfg, *ns, *clients, *sequential); err != nil {
		fmt.Fprintln(os.Stderr, "scale:", err)
		os.Exit(1)
	}
}

func realMain(ctx context.Context, cfg config, ns, clients string, sequential bool) error {
	var err error
	if cfg.ns, err = parseNs(ns); err != nil {
		return err
	}
	for _, c := range strings.Split(clients, ",") {
		if c != clientPsflow && c != clientFixed {
			return fmt.Errorf("-clients: unknown client %q (want %s or %s)", c, clientPsflow, clientFixed)
		}
		cfg.clients = append(cfg.clients, c)
	}
	if cfg.timeScale <= 0 {
		return fmt.Errorf("-time-scale %v: want a positive factor", cfg.timeScale)
	}
	if cfg.work, err = os.MkdirTemp("", "psflow-scale-"); err != nil {
		return err
	}
	defer os.RemoveAll(cfg.work)
	if cfg.psflow == "" {
		if cfg.psflow, err = benchkit.BuildPsflow(cfg.work); err != nil {
			return err
		}
	}
	var results []scenarioResult
	for _, n := range cfg.ns {
		res, err := runClients(ctx, cfg, n, sequential)
		if err != nil {
			return err
		}
		results = append(results, res...)
	}
	report(ctx, cfg, results)
	return nil
}

// runClients runs n lifecycles of every client, each client against an
// emulator of its own, side by side unless sequential.
func runClients(ctx context.Context, cfg config, n int, sequential bool) ([]scenarioResult, error) {
	results := make([]scenarioResult, len(cfg.clients))
	errs := make([]error, len(cfg.clients))
	var wg sync.WaitGroup
	for i, c := range cfg.clients {
		run := func() {
			fmt.Fprintf(os.Stderr, "scale: N=%d %s ...\n", n, c)
			res, err := runScenario(ctx, cfg, n, c)
			if err != nil {
				errs[i] = fmt.Errorf("N=%d %s: %w", n, c, err)
				return
			}
			fmt.Fprintf(os.Stderr, "scale: N=%d %s: %d/%d ok in %s\n", n, c, n-res.failed, n, res.wall.Round(time.Second))
			if cfg.verbose {
				printEndpoints(res)
			}
			results[i] = res
		}
		if sequential {
			run()
		} else {
			wg.Go(run)
		}
	}
	wg.Wait()
	return results, errors.Join(errs...)
}

// parseNs parses the -n list.
func parseNs(s string) ([]int, error) {
	var ns []int
	for _, part := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-n: %q is not a positive number", part)
		}
		ns = append(ns, n)
	}
	return ns, nil
}

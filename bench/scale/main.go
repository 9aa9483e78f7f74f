// Command scale runs N pull request lifecycles at once against one
// emulator, the way a whole organization would: one service token, the
// API's limit of 600 requests a minute, and the realistic timing profile
// compressed by -time-scale. Each lifecycle is create-branch →
// open-deploy-request → wait-and-deploy → delete-branch on its own branch
// pr-<i>, run as separate psflow processes with stderr timestamped line by
// line. The same N lifecycles are then run by a fixed-interval poller like
// pscale's (the planetscale-go SDK, no retries; 5 s for branches, 1 s for
// deploy requests), against a fresh emulator, so both are compared in one
// run. It reports failed runs, API calls, 429s, the peak request rate per
// 10 s window and how long each client took to notice each state change.
//
//	go run ./bench/scale [-n 10,50,100] [-time-scale 0.23] [-mysql-dsn DSN]
//
// Every lifecycle uses its own database db-<i> (branch pr-<i>): the
// emulator diffs a deploy request against the current production schema,
// so concurrent deploy requests into one database would undo each other's
// changes, where the real service queues them and merges three ways.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/psflow/psflow/bench/internal/benchkit"
)

// config is what every scenario shares.
type config struct {
	ns        []int
	clients   []string
	timeScale float64
	rateLimit int
	dsn       string
	psflow    string
	timeout   time.Duration
	work      string
}

func main() {
	var cfg config
	ns := flag.String("n", "10,50,100", "comma-separated numbers of concurrent lifecycles")
	clients := flag.String("clients", "psflow,fixed", "clients to run: psflow, fixed (the pscale-like poller)")
	flag.Float64Var(&cfg.timeScale, "time-scale", 0.23, "multiply the realistic timing profile by this (0.23: a lifecycle of about 30 s; not whole seconds, so a 1 s poller is not phase-locked to the transitions)")
	flag.IntVar(&cfg.rateLimit, "rate-limit", 600, "requests per minute for the one service token")
	flag.StringVar(&cfg.dsn, "mysql-dsn", os.Getenv("PSFLOW_TEST_MYSQL_DSN"), "MySQL server for the emulator's storage (default $PSFLOW_TEST_MYSQL_DSN; empty: embedded)")
	flag.StringVar(&cfg.psflow, "psflow", "", "psflow binary (default: build ./cmd/psflow)")
	flag.DurationVar(&cfg.timeout, "timeout", 8*time.Minute, "give up on a lifecycle after this long")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := realMain(ctx, cfg, *ns, *clients); err != nil {
		fmt.Fprintln(os.Stderr, "scale:", err)
		os.Exit(1)
	}
}

func realMain(ctx context.Context, cfg config, ns, clients string) error {
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
		for _, c := range cfg.clients {
			fmt.Fprintf(os.Stderr, "scale: N=%d %s ...\n", n, c)
			res, err := runScenario(ctx, cfg, n, c)
			if err != nil {
				return fmt.Errorf("N=%d %s: %w", n, c, err)
			}
			fmt.Fprintf(os.Stderr, "scale: N=%d %s: %d/%d ok in %s\n", n, c, n-res.failed, n, res.wall.Round(time.Second))
			results = append(results, res)
		}
	}
	report(ctx, cfg, results)
	return nil
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

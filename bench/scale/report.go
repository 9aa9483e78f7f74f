package main

import (
	"context"
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"time"

	"github.com/psflow/psflow/bench/internal/benchkit"
	"github.com/psflow/psflow/pkg/emulator"
)

// report prints the results as markdown tables.
func report(ctx context.Context, cfg config, results []scenarioResult) {
	t, _ := emulator.ProfileTimings(emulator.ProfileRealistic)
	t = t.Scale(cfg.timeScale)
	fmt.Printf("Machine: %s. Storage: %s.\n", benchkit.Machine(), benchkit.StorageName(ctx, cfg.dsn))
	fmt.Printf("Emulator: one service token, %d requests/minute; realistic timings × %g: branch ready %s, diff %s, queued %s, submitting %s, in_progress %s, cutover %s.\n\n",
		cfg.rateLimit, cfg.timeScale, t.BranchReady, t.DiffReady, t.Queue, t.Submit, t.InProgress, t.Cutover)
	fmt.Println("| N | Client | Failed runs | Wall (all runs) | Lifecycle median | API calls | 429s | Peak requests / 10 s (all / not 429) | Detection delay median | p95 |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|")
	for _, r := range results {
		all := r.allDelays()
		fmt.Printf("| %d | %s | %d | %s | %s | %d | %d | %d / %d | %s | %s |\n",
			r.n, clientName(r.client), r.failed, r.wall.Round(time.Second), medianOr(r.lifecycles),
			len(r.hits), r.limited(), r.peak(10*time.Second, true), r.peak(10*time.Second, false),
			medianOr(all), p95Or(all))
		if len(r.hits) != r.counted {
			fmt.Fprintf(os.Stderr, "scale: N=%d %s: %d requests recorded, the emulator counted %d\n", r.n, r.client, len(r.hits), r.counted)
		}
	}
	fmt.Println()
	fmt.Println("Detection delay by kind of state change, median / p95 (successful runs only):")
	fmt.Println()
	fmt.Println("| N | Client | Branch ready | Diff ready | Deployment states | States skipped | Never seen | Retries logged |")
	fmt.Println("|---|---|---|---|---|---|---|---|")
	for _, r := range results {
		fmt.Printf("| %d | %s | %s | %s | %s | %d | %d | %d |\n", r.n, clientName(r.client),
			delayStats(r.delays[delayBranch]), delayStats(r.delays[delayDiff]), delayStats(r.delays[delayDeploy]),
			r.skipped, r.unseen, r.retries)
	}
	for _, r := range results {
		if r.failed > 0 {
			fmt.Printf("\nN=%d %s: %d failed runs; errors:\n", r.n, r.client, r.failed)
			for _, e := range firstDistinct(r.errs, 3) {
				fmt.Printf("- %s\n", e)
			}
		}
	}
}

// clientName names a client in the tables.
func clientName(c string) string {
	if c == clientFixed {
		return "fixed poller (pscale-like)"
	}
	return c
}

func medianOr(ds []time.Duration) string {
	if len(ds) == 0 {
		return "–"
	}
	return secs(benchkit.Percentile(ds, 50))
}

func p95Or(ds []time.Duration) string {
	if len(ds) == 0 {
		return "–"
	}
	return secs(benchkit.Percentile(ds, 95))
}

// digits are replaced when errors are grouped, so the same failure of
// pr-3 and pr-7 counts as one.
var digits = regexp.MustCompile(`[0-9]+`)

// firstDistinct returns up to n distinct errors of ss, numbers replaced
// by N, in order, each with how often it occurred.
func firstDistinct(ss []string, n int) []string {
	var out []string
	count := map[string]int{}
	for _, s := range ss {
		s = digits.ReplaceAllString(s, "N")
		if count[s] == 0 && len(out) < n {
			out = append(out, s)
		}
		count[s]++
	}
	for i, s := range out {
		out[i] = fmt.Sprintf("%s (×%d)", s, count[s])
	}
	return slices.Clip(out)
}

// printEndpoints prints a scenario's API requests by endpoint, 429s
// included, in all and per lifecycle, to stderr.
func printEndpoints(r scenarioResult) {
	endpoints := slices.Sorted(maps.Keys(r.endpoints))
	for _, e := range endpoints {
		fmt.Fprintf(os.Stderr, "scale: N=%d %s: %6d  %6.1f/run  %s\n", r.n, r.client, r.endpoints[e], float64(r.endpoints[e])/float64(r.n), e)
	}
}

package main

import (
	"context"
	"fmt"
	"time"

	"github.com/psflow/psflow/bench/internal/benchkit"
)

// report prints the results as markdown: one row per flow, then each
// flow's steps.
func report(ctx context.Context, cfg config, flows []flow, results map[string][]runResult) {
	fmt.Printf("Machine: %s. Storage: %s. Rounds: %d (flows alternate within a round).\n\n",
		benchkit.Machine(), benchkit.StorageName(ctx, cfg.dsn), cfg.rounds)
	fmt.Println("| Flow | Runs ok | Median wall | Min | Max | API calls (median) | 429s | Ends in | Change on main | vs pscale |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|")
	pscaleMedian := median(totals(results["pscale"]))
	for _, f := range flows {
		if why := f.skip(cfg); why != "" {
			fmt.Printf("| %s | %s | | | | | | | | |\n", f.name, why)
			continue
		}
		runs := results[f.name]
		ok := okRuns(runs)
		if len(ok) == 0 {
			fmt.Printf("| %s | 0/%d | | | | | | | | |\n", f.name, len(runs))
			continue
		}
		ts := totals(runs)
		calls, limited := make([]int, 0, len(ok)), 0
		for _, r := range ok {
			calls = append(calls, r.calls)
			limited += r.limited
		}
		ratio := "–"
		if pscaleMedian > 0 {
			ratio = fmt.Sprintf("%.3f×", float64(median(ts))/float64(pscaleMedian))
		}
		last := ok[len(ok)-1]
		fmt.Printf("| %s | %d/%d | %s | %s | %s | %d | %d | %s | %s | %s |\n", f.name, len(ok), len(runs),
			ms(median(ts)), ms(benchkit.Percentile(ts, 0)), ms(benchkit.Percentile(ts, 100)),
			benchkit.Percentile(calls, 50), limited, last.endState, yesNo(last.deployed), ratio)
	}
	fmt.Println()
	fmt.Println("| Flow | Step | Median | API calls (median) |")
	fmt.Println("|---|---|---|---|")
	for _, f := range flows {
		ok := okRuns(results[f.name])
		if len(ok) == 0 {
			continue
		}
		for i, s := range ok[0].steps {
			var took []time.Duration
			var calls []int
			for _, r := range ok {
				took = append(took, r.steps[i].took)
				calls = append(calls, r.steps[i].calls)
			}
			fmt.Printf("| %s | %s | %s | %d |\n", f.name, s.name, ms(median(took)), benchkit.Percentile(calls, 50))
		}
	}
	for _, f := range flows {
		for i, r := range results[f.name] {
			if r.err != nil {
				fmt.Printf("\n%s run %d failed: %v\n", f.name, i+1, r.err)
			}
		}
	}
}

// okRuns keeps the runs that succeeded.
func okRuns(runs []runResult) []runResult {
	var ok []runResult
	for _, r := range runs {
		if r.err == nil {
			ok = append(ok, r)
		}
	}
	return ok
}

// totals lists the wall times of the runs that succeeded.
func totals(runs []runResult) []time.Duration {
	var ts []time.Duration
	for _, r := range okRuns(runs) {
		ts = append(ts, r.total)
	}
	return ts
}

func median(ds []time.Duration) time.Duration { return benchkit.Percentile(ds, 50) }

// ms renders a duration in milliseconds, or seconds from 10 s up.
func ms(d time.Duration) string {
	if d >= 10*time.Second {
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
	return fmt.Sprintf("%d ms", d.Milliseconds())
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

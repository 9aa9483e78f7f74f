// Command start measures an action's start, from the entrypoint shim to `psflow version` done,
// for a cold download, a cached binary and a build from source (docs/design/bench.md).
// It prints a markdown table.
//
//	go run ./bench/start [-rounds 20] [-source-rounds 2]
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/psflow/psflow/bench/internal/benchkit"
)

func main() {
	rounds := flag.Int("rounds", 20, "cold and cached starts, alternating")
	sourceRounds := flag.Int("source-rounds", 2, "builds from source, each with an empty build cache")
	flag.Parse()
	if err := run(*rounds, *sourceRounds); err != nil {
		fmt.Fprintln(os.Stderr, "start:", err)
		os.Exit(1)
	}
}

func run(rounds, sourceRounds int) error {
	b, err := setup()
	if err != nil {
		return err
	}
	defer b.close()
	var cold, cached, source []time.Duration
	if _, err := b.start("cached", b.release, b.cache("warm")); err != nil { // fills the warm cache
		return err
	}
	for i := range rounds {
		fmt.Fprintf(os.Stderr, "round %d/%d\n", i+1, rounds)
		d, err := b.start("cold", b.release, b.cache(fmt.Sprint("cold-", i)))
		if err != nil {
			return err
		}
		cold = append(cold, d)
		if d, err = b.start("cached", b.release, b.cache("warm")); err != nil {
			return err
		}
		cached = append(cached, d)
	}
	for i := range sourceRounds {
		fmt.Fprintf(os.Stderr, "source build %d/%d\n", i+1, sourceRounds)
		d, err := b.start("source", b.dev, b.cache(fmt.Sprint("source-", i)))
		if err != nil {
			return err
		}
		source = append(source, d)
	}
	report(b, cold, cached, source)
	return nil
}

func report(b *bench, cold, cached, source []time.Duration) {
	med := func(xs []time.Duration) time.Duration { return benchkit.Percentile(xs, 50) }
	fmt.Printf("Machine: %s; psflow %s for %s, %.1f MB.\n\n", benchkit.Machine(), b.version, b.asset, float64(b.size)/1e6)
	fmt.Println("| Start | Runs | Median | p95 | Max | Median vs cached |")
	fmt.Println("|---|---|---|---|---|---|")
	for _, r := range []struct {
		name string
		xs   []time.Duration
	}{
		{"cached: verify the tool cache's binary, run it", cached},
		{"cold: download from loopback, verify, cache, run", cold},
		{"source: go build with an empty build cache, run", source},
	} {
		if len(r.xs) == 0 {
			continue
		}
		fmt.Printf("| %s | %d | %s | %s | %s | %.1f× |\n", r.name, len(r.xs), ms(med(r.xs)),
			ms(benchkit.Percentile(r.xs, 95)), ms(benchkit.Percentile(r.xs, 100)), float64(med(r.xs))/float64(med(cached)))
	}
	if len(source) > 0 && len(cold) > 0 {
		fmt.Printf("\nBuilding from source takes %.0f× as long as a cold download and verify.\n", float64(med(source))/float64(med(cold)))
	}
}

func ms(d time.Duration) string {
	if d >= 10*time.Second {
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
}

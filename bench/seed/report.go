package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/psflow/psflow/bench/internal/benchkit"
)

// report renders the results as markdown for BENCHMARKS.md.
func report(ctx context.Context, cfg config, st dumpStats, results []result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\nResults of %s:\n\n", time.Now().UTC().Format("2006-01-02 15:04 MST"))
	var names []string
	for _, t := range tables {
		names = append(names, fmt.Sprintf("%s %d", t.name, st.Rows[t.name]))
	}
	fmt.Fprintf(&b, "- Dump: %.1f MB (10^6 bytes), %d rows (%s), extended INSERTs of at most 1 MiB.\n",
		float64(st.Bytes)/1e6, st.totalRows(), strings.Join(names, ", "))
	fmt.Fprintf(&b, "- Machine: %s.\n- Server: %s.\n- Client: %s.\n", benchkit.Machine(), benchkit.StorageName(ctx, cfg.dsn), benchkit.ClientVersion(cfg.client))
	fmt.Fprintf(&b, "- seed-branch parallelism %d; load average (1 min) %s at the start, %s at the end.\n\n", cfg.parallelism, cfg.loadStart, benchkit.LoadAverage())
	b.WriteString("| Round | Loader | Wall time (s) | MB/s | rows/s | Peak RSS (MB) | Loader CPU (s) |\n|---:|---|---:|---:|---:|---:|---:|\n")
	for _, r := range results {
		fmt.Fprintf(&b, "| %d | %s | %.2f | %.1f | %.0f | %.1f | %.2f |\n", r.round, r.tool, r.wall.Seconds(), r.mbps(st), r.rowsps(st), r.rssMB(), r.cpu.Seconds())
	}
	medians := map[string]result{}
	for _, load := range cfg.loads {
		tool := toolOf[load]
		m := median(results, tool)
		medians[tool] = m
		fmt.Fprintf(&b, "| median | %s | %.2f | %.1f | %.0f | %.1f (max) | |\n", tool, m.wall.Seconds(), m.mbps(st), m.rowsps(st), m.rssMB())
	}
	b.WriteString("\n")
	has := func(loads ...string) bool {
		for _, l := range loads {
			if !slices.Contains(cfg.loads, l) {
				return false
			}
		}
		return true
	}
	if has(loadTLS, loadClient) {
		ratio := medians[toolPsflow].mbps(st) / medians[toolClient].mbps(st)
		fmt.Fprintf(&b, "Throughput psflow (TLS) / client (medians): **%.2f×**. psflow's peak RSS over all rounds: **%.1f MB**.\n", ratio, peakRSS(results, toolPsflow))
	}
	if has(loadTLS, loadPlain) {
		cost := medians[toolPsflow].wall.Seconds() / medians[toolPsflowPlain].wall.Seconds()
		cpu := medianCPU(results, toolPsflow).Seconds() / medianCPU(results, toolPsflowPlain).Seconds()
		fmt.Fprintf(&b, "TLS cost, psflow with / without TLS (medians): wall time **%.2f×**, psflow's own CPU **%.2f×**.\n", cost, cpu)
	}
	if has(loadTLS, loadEmbedded) {
		ratio := medians[toolEmbedded].wall.Seconds() / medians[toolPsflow].wall.Seconds()
		fmt.Fprintf(&b, "Embedded storage / MySQL server storage, psflow with TLS (median wall times): **%.2f×**.\n", ratio)
	}
	return b.String()
}

// median is the median wall time of a tool's loads (the higher middle one
// for an even count), with the largest peak RSS of them.
func median(results []result, tool string) result {
	var walls []time.Duration
	for _, r := range results {
		if r.tool == tool {
			walls = append(walls, r.wall)
		}
	}
	slices.Sort(walls)
	return result{tool: tool, wall: walls[len(walls)/2], rss: int64(peakRSS(results, tool) * 1e6)}
}

// medianCPU is the median CPU time of a tool's loads.
func medianCPU(results []result, tool string) time.Duration {
	var cpus []time.Duration
	for _, r := range results {
		if r.tool == tool {
			cpus = append(cpus, r.cpu)
		}
	}
	slices.Sort(cpus)
	return cpus[len(cpus)/2]
}

// peakRSS is the largest peak RSS of a tool's loads, in MB.
func peakRSS(results []result, tool string) float64 {
	peak := 0.0
	for _, r := range results {
		if r.tool == tool {
			peak = max(peak, r.rssMB())
		}
	}
	return peak
}

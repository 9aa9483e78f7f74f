package main

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/psflow/psflow/bench/internal/benchkit"
)

// target is the most a run where nothing or one table changed may take.
const target = 2 * time.Second

// summary is the wall times of one case.
type summary struct {
	cas                   string
	data                  bool
	runs                  int
	median, p90, min, max time.Duration
}

// summarize groups results by case and data, in the order of the report.
func summarize(results []result) []summary {
	var out []summary
	for _, data := range []bool{false, true} {
		for _, cas := range []string{caseFresh, caseUnchanged, caseChanged} {
			if s, ok := summarizeCase(results, cas, data); ok {
				out = append(out, s)
			}
		}
	}
	if s, ok := summarizeCase(results, caseClient, false); ok {
		out = append(out, s)
	}
	return out
}

// summarizeCase is the summary of one case's results, if it has any.
func summarizeCase(results []result, cas string, data bool) (summary, bool) {
	var walls []time.Duration
	for _, r := range results {
		if r.cas == cas && r.data == data {
			walls = append(walls, r.wall)
		}
	}
	if len(walls) == 0 {
		return summary{}, false
	}
	return summary{cas: cas, data: data, runs: len(walls),
		median: benchkit.Percentile(walls, 50), p90: benchkit.Percentile(walls, 90),
		min: benchkit.Percentile(walls, 0), max: benchkit.Percentile(walls, 100)}, true
}

// report renders the results as markdown for BENCHMARKS.md.
func report(ctx context.Context, cfg config, set schemaSet, results []result, traces []traced, loadEnd string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\nResults of %s:\n\n", time.Now().UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(&b, "- Schema: %d tables (%d with foreign keys), %d views, one file each; data file: %d rows in %d tables; changed table: `%s` (a column and an index added, then removed).\n",
		len(set.tables), set.fkCount, len(set.views), set.rows, len(set.data), set.tables[set.changed].name)
	fmt.Fprintf(&b, "- Machine: %s.\n- Server: %s.\n- Client: %s.\n", benchkit.Machine(), benchkit.StorageName(ctx, cfg.dsn), benchkit.ClientVersion(cfg.client))
	fmt.Fprintf(&b, "- %d rounds, %d unchanged and %d changed runs per branch and round; load average (1 min) %s at the start, %s at the end.\n\n",
		cfg.rounds, cfg.repeat, cfg.repeat, cfg.loadStart, loadEnd)
	sums := summarize(results)
	var client time.Duration
	for _, s := range sums {
		if s.cas == caseClient {
			client = s.median
		}
	}
	b.WriteString("| Case | Runs | Median | p90 | Min | Max | Median vs client |\n|---|---:|---:|---:|---:|---:|---:|\n")
	for _, s := range sums {
		name := s.cas
		if s.cas != caseClient {
			name = "psflow: " + s.cas + withData(s.data)
		}
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s | %.2f× |\n", name, s.runs, ms(s.median), ms(s.p90), ms(s.min), ms(s.max), s.median.Seconds()/client.Seconds())
	}
	var missed []string
	for _, s := range sums {
		if (s.cas == caseUnchanged || s.cas == caseChanged) && s.p90 > target {
			missed = append(missed, s.cas+withData(s.data))
		}
	}
	if len(missed) == 0 {
		fmt.Fprintf(&b, "\nTarget: nothing or one table changed in at most %s (p90) — **met**.\n", target)
	} else {
		fmt.Fprintf(&b, "\nTarget: nothing or one table changed in at most %s (p90) — **missed** by: %s.\n", target, strings.Join(missed, "; "))
	}
	if len(traces) > 0 {
		b.WriteString("\nOne more run of each case through a proxy in front of the server (not in the table above):\n\n")
		b.WriteString("| Case | Wall | API calls | Statements through the edge | Their time in the server | By kind | Emulator's own statements |\n|---|---:|---:|---:|---:|---|---:|\n")
		for _, t := range traces {
			fmt.Fprintf(&b, "| %s%s | %s | %d | %d | %s | %s | %d |\n", t.cas, withData(t.data), ms(t.wall), t.api, t.edge.Commands, ms(t.edge.Server), kinds(t.edge), t.emuCmds)
		}
	}
	return b.String()
}

// ms formats a duration in milliseconds.
func ms(d time.Duration) string { return fmt.Sprintf("%d ms", d.Milliseconds()) }

// kinds lists statement kinds by server time, most first, with counts ("CREATE TABLE 39:
// 2100 ms, SHOW CREATE 400: 300 ms"); kinds under 1 % are summed in "other".
func kinds(st userStats) string {
	names := slices.Collect(maps.Keys(st.Kinds))
	slices.SortFunc(names, func(a, b string) int {
		if st.Times[a] != st.Times[b] {
			return cmp.Compare(st.Times[b], st.Times[a])
		}
		return strings.Compare(a, b)
	})
	var parts []string
	var other userStats
	for _, n := range names {
		if st.Times[n]*100 < st.Server {
			other.Commands += st.Kinds[n]
			other.Server += st.Times[n]
			continue
		}
		parts = append(parts, fmt.Sprintf("%s ×%d: %s", n, st.Kinds[n], ms(st.Times[n])))
	}
	if other.Commands > 0 {
		parts = append(parts, fmt.Sprintf("other ×%d: %s", other.Commands, ms(other.Server)))
	}
	return strings.Join(parts, ", ")
}

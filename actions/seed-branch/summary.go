package seedbranch

import (
	"fmt"
	"strings"
	"time"

	"github.com/psflow/psflow/actions/shared"
	"github.com/psflow/psflow/pkg/sqlload"
)

// summary writes the step summary of a run: what it did and why, then
// one row per file loaded with its statements, rows, bytes and time, then
// the totals.
func (sd *seeder) summary(p plan, res sqlload.Result, loadErr error) {
	var b strings.Builder
	switch {
	case loadErr != nil:
		fmt.Fprintf(&b, "### Seeding branch `%s` of %s failed\n\n```\n%s\n```\n\n", sd.branch, shared.Where(sd.s), loadErr)
	case p.result == resultSkipped:
		fmt.Fprintf(&b, "### Branch `%s` of %s already seeded\n\nNothing was loaded: %s (sha256 `%.12s`).\n", sd.branch, shared.Where(sd.s), p.why, sd.set.Hash)
		sd.s.Summary(b.String())
		return
	default:
		fmt.Fprintf(&b, "### Branch `%s` of %s seeded\n\n", sd.branch, shared.Where(sd.s))
	}
	fmt.Fprintf(&b, "**%s**: %s.\n\n", p.result, p.why)
	b.WriteString("| File | Statements | Rows | Bytes | Time |\n|---|---:|---:|---:|---:|\n")
	for _, f := range res.Files {
		fmt.Fprintf(&b, "| `%s` | %d | %d | %s | %s |\n", f.Name, f.Statements, f.Rows, size(f.Bytes), f.Duration.Round(time.Millisecond))
	}
	fmt.Fprintf(&b, "| **%d of %d files** | **%d** | **%d** | **%s** | **%s** |\n",
		len(res.Files), len(p.files), res.Statements, res.Rows, size(res.Bytes), res.Duration.Round(time.Millisecond))
	if secs := res.Duration.Seconds(); loadErr == nil && secs > 0 {
		fmt.Fprintf(&b, "\n%s/s, %.0f rows/s over %d connections; files sha256 `%.12s`.\n",
			size(int64(float64(res.Bytes)/secs)), float64(res.Rows)/secs, sd.s.Int("parallelism"), sd.set.Hash)
	}
	sd.s.Summary(b.String())
}

// size formats a byte count with a binary unit: "512 B", "1.5 MiB".
func size(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// list joins names for a log line, naming at most limit of them.
func list(names []string, limit int) string {
	if len(names) <= limit {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:limit], ", "), len(names)-limit)
}

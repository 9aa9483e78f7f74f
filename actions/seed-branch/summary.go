package seedbranch

import (
	"fmt"
	"strings"
	"time"

	"github.com/psflow/psflow/internal/scope"
)

// summary writes the step summary of a run: what it did to the branch
// and why, then the files loaded.
func (sd *seeder) summary(runErr error) {
	var b strings.Builder
	if runErr != nil {
		fmt.Fprintf(&b, "### Seeding branch `%s` of %s failed\n\n```\n%s\n```\n\n", sd.branch, scope.OrgDatabase(sd.s), runErr)
	} else {
		fmt.Fprintf(&b, "### Branch `%s` of %s seeded\n\n", sd.branch, scope.OrgDatabase(sd.s))
	}
	if sd.recreated != "" {
		fmt.Fprintf(&b, "**Recreated** off production as it is now: %s.\n\n", sd.recreated)
	}
	if len(sd.changes) == 0 && runErr == nil {
		fmt.Fprintf(&b, "The branch already held %s.\n\n", sd.what())
	}
	for _, ch := range sd.changes {
		note := ""
		if ch.verb == "dropped" {
			note = " — its deploy request drops it in production"
		}
		fmt.Fprintf(&b, "- %s %s `%s`%s\n", ch.verb, ch.kind, ch.name, note)
	}
	if runErr != nil {
		done := sd.done()
		if done == "" {
			done = "changed nothing"
		}
		fmt.Fprintf(&b, "\nBefore the failure the run %s.\n", done)
	}
	if len(sd.res.Files) > 0 {
		b.WriteString("\n| File | Statements | Rows | Bytes | Time | Rows/s |\n|---|---:|---:|---:|---:|---:|\n")
		for _, f := range sd.res.Files {
			fmt.Fprintf(&b, "| `%s` | %d | %d | %s | %s | %s |\n", f.Name, f.Statements, f.Rows, size(f.Bytes), f.Duration.Round(time.Millisecond), perSecond(f.Rows, f.Duration))
		}
		r := sd.res
		fmt.Fprintf(&b, "| **Total** | %d | %d | %s | %s | %s |\n", r.Statements, r.Rows, size(r.Bytes), r.Duration.Round(time.Millisecond), perSecond(r.Rows, r.Duration))
	}
	sd.s.Summary(b.String())
}

// perSecond is rate without its unit, for a table column.
func perSecond(rows int64, d time.Duration) string {
	return strings.TrimSuffix(rate(rows, d), " rows/s")
}

// rate formats rows per second: "4120 rows/s".
func rate(rows int64, d time.Duration) string {
	if d <= 0 {
		return "0 rows/s"
	}
	return fmt.Sprintf("%.0f rows/s", float64(rows)/d.Seconds())
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

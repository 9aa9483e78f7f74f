package deployreport

import (
	"fmt"
	"strings"
	"time"

	"github.com/psflow/psflow/actions/internal/prose"
	"github.com/psflow/psflow/pkg/planetscale"
)

// Markdown renders the report. A deploy request without schema changes
// gets a short note instead of the full report.
func Markdown(r Report) string {
	var b strings.Builder
	if r.Reported != nil {
		fmt.Fprintf(&b, "%s\n", recordLine(r.Database, r.Branch, *r.Reported))
	}
	fmt.Fprintf(&b, "### PlanetScale deploy request %s: `%s` → `%s` of %s\n\n", link(r), r.Branch, r.Into, r.OrgDatabase)
	if r.State == planetscale.StateNoChanges {
		fmt.Fprintf(&b, "**No schema changes**: branch `%s` has nothing to deploy into `%s`.", r.Branch, r.Into)
		if r.Closed {
			b.WriteString(" The deploy request is closed.")
		}
		b.WriteString("\n")
		writeOutcome(&b, r)
		return b.String()
	}
	fmt.Fprintf(&b, "Deployment state: **%s**%s\n\n", r.State, closedNote(r))
	writeReadiness(&b, r)
	writeDestructive(&b, r.Destructive)
	writeStatements(&b, r)
	writeLint(&b, r)
	writeTimeline(&b, r.Timeline)
	writeOutcome(&b, r)
	return strings.TrimRight(b.String(), "\n") + "\n"
}

func link(r Report) string {
	if r.URL == "" {
		return fmt.Sprintf("#%d", r.Number)
	}
	return fmt.Sprintf("[#%d](%s)", r.Number, r.URL)
}

func closedNote(r Report) string {
	if r.Closed {
		return " (closed)"
	}
	return ""
}

func writeDestructive(b *strings.Builder, reasons []string) {
	if len(reasons) == 0 {
		return
	}
	b.WriteString("> [!WARNING]\n> **Destructive change**: deploying this can lose data.\n")
	for _, r := range reasons {
		fmt.Fprintf(b, "> - %s\n", prose.OneLine(r))
	}
	b.WriteString("\n")
}

func writeStatements(b *strings.Builder, r Report) {
	if len(r.Statements) == 0 {
		if r.State == planetscale.StatePending {
			b.WriteString("The schema diff is still being computed.\n\n")
		}
		return
	}
	sql := strings.Join(r.Statements, ";\n") + ";"
	fence := fenceFor(sql)
	fmt.Fprintf(b, "**Schema changes** (%s):\n\n%ssql\n%s\n%s\n\n", prose.Count(len(r.Statements), "statement"), fence, sql, fence)
}

func writeLint(b *strings.Builder, r Report) {
	switch {
	case r.NoLint:
		return
	case r.LintProblem != "":
		fmt.Fprintf(b, "**Lint**: the findings of branch `%s` could not be read (%s).\n\n", r.Branch, prose.OneLine(r.LintProblem))
		return
	case len(r.Lint) == 0:
		fmt.Fprintf(b, "**Lint**: no findings on branch `%s`.\n\n", r.Branch)
		return
	}
	fmt.Fprintf(b, "**Lint**: %s on branch `%s`:\n\n| Finding | Table | Description |\n|---|---|---|\n", prose.Count(len(r.Lint), "finding"), r.Branch)
	for _, l := range r.Lint {
		name := cell(l.LintError)
		if l.DocsURL != "" {
			name = fmt.Sprintf("[%s](%s)", name, l.DocsURL)
		}
		fmt.Fprintf(b, "| %s | %s | %s |\n", name, code(l.Table), cell(l.ErrorDescription))
	}
	b.WriteString("\n")
}

func writeTimeline(b *strings.Builder, events []Event) {
	if len(events) == 0 {
		return
	}
	b.WriteString("**Timeline**:\n\n| State | At | After |\n|---|---|---|\n")
	for _, e := range events {
		fmt.Fprintf(b, "| %s | %s | %s |\n", cell(e.State), e.At.UTC().Format("2006-01-02 15:04:05Z"), e.After.Round(time.Millisecond))
	}
	b.WriteString("\n")
}

func writeOutcome(b *strings.Builder, r Report) {
	if r.Outcome == "" {
		return
	}
	if !strings.HasSuffix(b.String(), "\n\n") {
		b.WriteString("\n")
	}
	fmt.Fprintf(b, "%s\n", prose.OneLine(r.Outcome))
}

// fenceFor returns a code fence longer than any run of backticks in text.
func fenceFor(text string) string {
	longest, run := 0, 0
	for _, c := range text {
		if c == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}

// cell makes text safe inside a markdown table cell.
func cell(s string) string {
	return strings.ReplaceAll(prose.OneLine(s), "|", `\|`)
}

// code renders a name as inline code, or nothing for an empty name.
func code(s string) string {
	if s == "" {
		return ""
	}
	return "`" + strings.ReplaceAll(cell(s), "`", "") + "`"
}

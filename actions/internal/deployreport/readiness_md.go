package deployreport

import (
	"fmt"
	"strings"

	"github.com/psflow/psflow/actions/internal/prose"
)

// Approval describes the approval a deploy request has or needs.
func (g Readiness) Approval() string {
	switch {
	case !g.ApprovalRequired && g.Approved:
		return "given (not required)"
	case !g.ApprovalRequired:
		return "not required"
	case g.Approved:
		return "required, given"
	}
	return "required, not given yet: a database administrator other than its author approves it on PlanetScale"
}

// Queue describes the deployments ahead of a deploy request.
func (g Readiness) Queue() string {
	if len(g.Ahead) == 0 {
		return "nothing ahead"
	}
	return fmt.Sprintf("%s ahead: %s", prose.Count(len(g.Ahead), "deployment"), DescribeQueue(g.Ahead))
}

// writeReadiness writes whether the request can deploy: a caution with what
// blocks it and what to do, then deployable, approval and queue place.
func writeReadiness(b *strings.Builder, r Report) {
	g := r.Readiness
	if g == nil {
		return
	}
	if blockers := g.Blockers(); len(blockers) > 0 {
		b.WriteString("> [!CAUTION]\n> **Cannot deploy**:\n")
		for _, l := range blockers {
			fmt.Fprintf(b, "> - %s\n", prose.OneLine(l))
		}
		pr := r.PR
		if pr.Base != "" {
			pr.Base = "`" + pr.Base + "`"
		}
		fmt.Fprintf(b, ">\n> What to do: %s.\n", g.Remedy("`"+r.Branch+"`", "`"+r.Into+"`", pr))
		b.WriteString("\n")
	}
	fmt.Fprintf(b, "- Deployable: **%s**\n", yesNo(g.Deployable))
	fmt.Fprintf(b, "- Approval: %s\n", g.Approval())
	fmt.Fprintf(b, "- Deploy queue of `%s`: %s\n", r.Into, g.Queue())
	if len(g.Unknown) > 0 {
		fmt.Fprintf(b, "- Not known: %s\n", prose.OneLine(strings.Join(g.Unknown, "; ")))
	}
	b.WriteString("\n")
}

func yesNo(v bool) string {
	if v {
		return "yes"
	}
	return "no"
}

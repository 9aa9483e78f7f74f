package deploycomment

import (
	"fmt"
	"strings"
)

// Remedy says what makes a deploy request with these blockers deployable.
func (g Readiness) Remedy(branch, into string) string {
	var fixes []string
	if len(g.Conflicts) > 0 {
		fixes = append(fixes, fmt.Sprintf("its changes apply onto %s as it is now", into))
	}
	if len(g.LintErrors) > 0 {
		fixes = append(fixes, "its lint errors are fixed")
	}
	if len(fixes) == 0 {
		return fmt.Sprintf("see the deploy request on PlanetScale for why %s cannot take it", into)
	}
	return fmt.Sprintf("change branch %s so that %s, then push again (the deploy request follows the branch)", branch, strings.Join(fixes, " and "))
}

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
	return fmt.Sprintf("%s ahead: %s", plural(len(g.Ahead), "deployment"), DescribeQueue(g.Ahead))
}

// writeReadiness writes whether the request can deploy: a caution with
// what keeps it from deploying and what to do, then its deployable flag,
// approval and place in the queue.
func writeReadiness(b *strings.Builder, r Report) {
	g := r.Readiness
	if g == nil {
		return
	}
	if blockers := g.Blockers(); len(blockers) > 0 {
		b.WriteString("> [!CAUTION]\n> **Cannot deploy**:\n")
		for _, l := range blockers {
			fmt.Fprintf(b, "> - %s\n", oneLine(l))
		}
		fmt.Fprintf(b, ">\n> To deploy it, %s.\n", g.Remedy("`"+r.Branch+"`", "`"+r.Into+"`"))
		b.WriteString("\n")
	}
	fmt.Fprintf(b, "- Deployable: **%s**\n", yesNo(g.Deployable))
	fmt.Fprintf(b, "- Approval: %s\n", g.Approval())
	fmt.Fprintf(b, "- Deploy queue of `%s`: %s\n", r.Into, g.Queue())
	if len(g.Unknown) > 0 {
		fmt.Fprintf(b, "- Not known: %s\n", oneLine(strings.Join(g.Unknown, "; ")))
	}
	b.WriteString("\n")
}

func yesNo(v bool) string {
	if v {
		return "yes"
	}
	return "no"
}

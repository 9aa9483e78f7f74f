package opendeployrequest

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/psflow/psflow/actions/internal/deployreport"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

// outputs writes what the report found. Outputs that are not known (the
// diff is still pending, or the request is past deploying) are empty.
func outputs(s *step.Step, r deployreport.Report) {
	s.Output("deployment_state", r.State)
	s.Output("has_changes", hasChanges(r.State, r.Statements))
	s.Output("destructive", strconv.FormatBool(len(r.Destructive) > 0))
	s.Output("diff", strings.Join(r.Statements, ";\n"))
	reported := ""
	if r.Reported != nil {
		reported = r.Reported.String()
	}
	s.Output("reported_diff", reported)
	var deployable, conflicts, lintErrors, required, approved, ahead string
	if r.State == planetscale.StateNoChanges {
		deployable = "false"
	}
	if g := r.Readiness; g != nil {
		deployable = strconv.FormatBool(g.Deployable)
		conflicts = strings.Join(g.Conflicts, "\n")
		lintErrors = strings.Join(g.LintErrors, "\n")
		required = strconv.FormatBool(g.ApprovalRequired)
		approved = strconv.FormatBool(g.Approved)
		ahead = strconv.Itoa(len(g.Ahead))
	}
	s.Output("deployable", deployable)
	s.Output("conflicts", conflicts)
	s.Output("lint_errors", lintErrors)
	s.Output("approval_required", required)
	s.Output("approved", approved)
	s.Output("queue_ahead", ahead)
}

// logReport prints the diff's size and whether the request can deploy,
// warning with why and what to do when it cannot.
func logReport(s *step.Step, r deployreport.Report) {
	s.Logf("deploy request #%d of %s is %s with %d statement(s), %d destructive change(s), %d lint finding(s)",
		r.Number, r.OrgDatabase, r.State, len(r.Statements), len(r.Destructive), len(r.Lint))
	g := r.Readiness
	if g == nil {
		return
	}
	s.Logf("deploy request #%d of %s: deployable %s; approval %s; deploy queue of %s: %s",
		r.Number, r.OrgDatabase, yesNo(g.Deployable), g.Approval(), r.Into, g.Queue())
	for _, u := range g.Unknown {
		s.Warnf("could not read %s", u)
	}
	blockers := g.Blockers()
	if len(blockers) == 0 {
		return
	}
	msg := fmt.Sprintf("deploy request #%d of %s cannot deploy: %s; %s",
		r.Number, r.OrgDatabase, strings.Join(blockers, "; "), g.Remedy(r.Branch, r.Into, r.PR))
	if failsOn(s, "conflict") && len(g.Conflicts) > 0 || failsOn(s, "lint_error") && len(g.LintErrors) > 0 {
		s.Logf("%s", msg)
		return
	}
	s.Warnf("%s", msg)
}

func yesNo(v bool) string {
	if v {
		return "yes"
	}
	return "no"
}

// hasChanges is "true" or "false", or "" while the diff is not known.
func hasChanges(state string, stmts []string) string {
	if state == planetscale.StatePending {
		return ""
	}
	return strconv.FormatBool(len(stmts) > 0)
}

package opendeployrequest

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/psflow/psflow/actions/internal/deployreport"
	"github.com/psflow/psflow/pkg/step"
)

// failOnChoices are the values of the fail_on input.
var failOnChoices = []string{"none", "destructive", "lint", "conflict", "lint_error"}

// checkFailOn refuses a fail_on value that is not one of failOnChoices,
// before anything is called.
func checkFailOn(s *step.Step) error {
	for _, v := range s.List("fail_on") {
		if !slices.Contains(failOnChoices, v) {
			return step.Usagef("input fail_on: %q is not valid; use one or more of %s, comma separated", v, strings.Join(failOnChoices, ", "))
		}
	}
	return nil
}

// failsOn reports whether the fail_on input names cond.
func failsOn(s *step.Step, cond string) bool {
	return slices.Contains(s.List("fail_on"), cond)
}

// failOn fails the step (exit 1), after everything has been reported, naming
// every condition of the fail_on input that holds.
func failOn(s *step.Step, r deployreport.Report, lintErr error) error {
	var failed []string
	if failsOn(s, "destructive") && len(r.Destructive) > 0 {
		failed = append(failed, fmt.Sprintf("fail_on=destructive: deploy request #%d of %s can lose data: %s", r.Number, r.OrgDatabase, strings.Join(r.Destructive, "; ")))
	}
	if failsOn(s, "lint") {
		switch {
		case lintErr != nil:
			failed = append(failed, fmt.Sprintf("fail_on=lint: could not lint branch %s of %s: %v", r.Branch, r.OrgDatabase, lintErr))
		case len(r.Lint) > 0:
			found := make([]string, 0, len(r.Lint))
			for _, l := range r.Lint {
				found = append(found, fmt.Sprintf("%s on %s", l.LintError, l.Table))
			}
			failed = append(failed, fmt.Sprintf("fail_on=lint: branch %s of %s has %d schema lint finding(s): %s", r.Branch, r.OrgDatabase, len(r.Lint), strings.Join(found, ", ")))
		}
	}
	if g := r.Readiness; g != nil {
		if failsOn(s, "conflict") && (len(g.Conflicts) > 0 || g.ChecksUnread) {
			failed = append(failed, blocked("conflict", r, g.Conflicts, g))
		}
		if failsOn(s, "lint_error") && len(g.LintErrors) > 0 {
			failed = append(failed, blocked("lint_error", r, g.LintErrors, g))
		}
	}
	if len(failed) == 0 {
		return nil
	}
	return errors.New(strings.Join(failed, "; and "))
}

// blocked says why fail_on=cond fails: what keeps the request from
// deploying and what to do.
func blocked(cond string, r deployreport.Report, found []string, g *deployreport.Readiness) string {
	if len(found) == 0 {
		return fmt.Sprintf("fail_on=%s: could not read what keeps deploy request #%d of %s from deploying (%s)", cond, r.Number, r.OrgDatabase, strings.Join(g.Unknown, "; "))
	}
	return fmt.Sprintf("fail_on=%s: deploy request #%d of %s cannot deploy: %s; %s",
		cond, r.Number, r.OrgDatabase, strings.Join(found, "; "), g.Remedy(r.Branch, r.Into, r.PR))
}

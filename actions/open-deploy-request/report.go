package opendeployrequest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/psflow/psflow/actions/internal/deploycomment"
	"github.com/psflow/psflow/actions/shared"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

// errFailOn is the error of a step failed by its fail_on input.
var errFailOn = errors.New("fail_on")

// report reads the deploy request's diff, lint findings and destructive
// changes, writes the outputs, the summary and the pull request comment,
// then applies fail_on.
func report(ctx context.Context, s *step.Step, c *planetscale.Client, db string, dr *planetscale.DeployRequest) error {
	state := dr.DeploymentState
	var ops []planetscale.Operation
	if state != "pending" && state != deploycomment.NoChanges {
		var err error
		if ops, err = c.Operations(ctx, db, dr.Number); err != nil {
			return err
		}
	}
	if state == deploycomment.NoChanges && s.Bool("close_if_no_changes") && dr.State == "open" {
		closed, err := closeRequest(ctx, s, c, db, dr.Number)
		if err != nil {
			return err
		}
		dr = closed
		s.Logf("closed deploy request #%d of %s: it has no schema changes", dr.Number, shared.Where(s))
	}
	r := deploycomment.Report{
		Where: shared.Where(s), Branch: dr.Branch, Into: dr.IntoBranch, Number: dr.Number, URL: dr.HtmlURL,
		State: state, Closed: dr.State == "closed", Statements: deploycomment.Statements(ops),
		Destructive: deploycomment.Destructive(ops, baseSchema(ctx, s, c, db, dr.IntoBranch, ops)),
	}
	lint, err := c.LintSchema(ctx, db, dr.Branch)
	if err != nil {
		s.Warnf("could not lint branch %s: %v", dr.Branch, err)
		r.LintProblem = err.Error()
	}
	r.Lint = lint

	s.Output("deployment_state", state)
	s.Output("has_changes", hasChanges(state, r.Statements))
	s.Output("destructive", strconv.FormatBool(len(r.Destructive) > 0))
	s.Output("diff", strings.Join(r.Statements, ";\n"))
	s.Logf("deploy request #%d of %s is %s with %d statement(s), %d destructive change(s), %d lint finding(s)",
		dr.Number, shared.Where(s), state, len(r.Statements), len(r.Destructive), len(lint))
	deploycomment.Publish(ctx, s, s.String("database"), dr.Branch, deploycomment.Markdown(r))
	return failOn(s, r, err)
}

// closeRequest closes deploy request n. A close that fails in a way that
// may pass is reconciled by reading the request back: closed, the close
// went through; still open, it is tried once more.
func closeRequest(ctx context.Context, s *step.Step, c *planetscale.Client, db string, n uint64) (*planetscale.DeployRequest, error) {
	const attempts = 2
	for attempt := 1; ; attempt++ {
		dr, err := c.CloseDeployRequest(ctx, db, n)
		if err == nil || !planetscale.Transient(err) {
			return dr, err
		}
		now, getErr := c.GetDeployRequest(ctx, db, n)
		if getErr != nil {
			return nil, err
		}
		if now.State == "closed" {
			return now, nil
		}
		if attempt == attempts {
			return nil, err
		}
		s.Logf("deploy request #%d was not closed (%v); trying again", n, err)
	}
}

// hasChanges is "true" or "false", or "" while the diff is not known.
func hasChanges(state string, stmts []string) string {
	if state == "pending" {
		return ""
	}
	return strconv.FormatBool(len(stmts) > 0)
}

// baseSchema returns the into branch's CREATE TABLE statements when the
// operations change a column's definition, so narrowing can be judged.
func baseSchema(ctx context.Context, s *step.Step, c *planetscale.Client, db, into string, ops []planetscale.Operation) deploycomment.BaseTable {
	if !deploycomment.NeedsBase(ops) {
		return nil
	}
	files, err := c.BranchSchema(ctx, db, into)
	if err != nil {
		s.Warnf("could not read the schema of %s to judge column changes; relying on PlanetScale's can_drop_data: %v", into, err)
		return nil
	}
	tables := make(map[string]string, len(files))
	for _, f := range files {
		tables[f.Name] = f.Raw
	}
	return func(name string) string { return tables[name] }
}

// failOn fails the step, after everything has been reported, when the
// fail_on input's condition holds.
func failOn(s *step.Step, r deploycomment.Report, lintErr error) error {
	switch s.String("fail_on") {
	case "destructive":
		if len(r.Destructive) > 0 {
			return fmt.Errorf("%w=destructive: deploy request #%d of %s can lose data: %s", errFailOn, r.Number, r.Where, strings.Join(r.Destructive, "; "))
		}
	case "lint":
		if lintErr != nil {
			return fmt.Errorf("%w=lint: could not lint branch %s of %s: %w", errFailOn, r.Branch, r.Where, lintErr)
		}
		if len(r.Lint) > 0 {
			found := make([]string, 0, len(r.Lint))
			for _, l := range r.Lint {
				found = append(found, fmt.Sprintf("%s on %s", l.LintError, l.Table))
			}
			return fmt.Errorf("%w=lint: branch %s of %s has %d schema lint finding(s): %s", errFailOn, r.Branch, r.Where, len(r.Lint), strings.Join(found, ", "))
		}
	}
	return nil
}

package opendeployrequest

import (
	"context"
	"slices"

	"github.com/psflow/psflow/actions/internal/ddlcheck"
	"github.com/psflow/psflow/actions/internal/deployreport"
	"github.com/psflow/psflow/actions/internal/reporteddiff"
	"github.com/psflow/psflow/internal/scope"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

// report reads the deploy request's diff, lint, destructive changes and
// readiness, publishes them and applies fail_on; created: this run opened it.
func report(ctx context.Context, s *step.Step, c *planetscale.Client, db string, dr *planetscale.DeployRequest, created bool) error {
	state := dr.DeploymentState
	var ops []planetscale.Operation
	if state != planetscale.StatePending && state != planetscale.StateNoChanges {
		var err error
		if ops, err = c.Operations(ctx, db, dr.Number); err != nil {
			return err
		}
	}
	if state == planetscale.StateNoChanges && s.Bool("close_if_no_changes") && dr.State == planetscale.RequestOpen {
		closed, err := closeRequest(ctx, s, c, db, dr.Number)
		if err != nil {
			return err
		}
		dr = closed
		s.Logf("closed deploy request #%d of %s: it has no schema changes", dr.Number, scope.OrgDatabase(s))
	}
	ddl := ddlcheck.Check(ctx, c, db, dr.IntoBranch, ops, s.Warnf)
	r := deployreport.Report{
		OrgDatabase: scope.OrgDatabase(s), Database: db, Branch: dr.Branch, Into: dr.IntoBranch, Number: dr.Number, URL: dr.HtmlURL,
		State: state, Closed: dr.State == planetscale.RequestClosed, Statements: ddl.Statements, PR: deployreport.PROf(s),
		Destructive: ddl.Destructive,
	}
	lint, err := c.LintSchema(ctx, db, dr.Branch)
	if err != nil {
		s.Warnf("could not lint branch %s: %v", dr.Branch, err)
		r.LintProblem = err.Error()
	}
	r.Lint = lint
	if slices.Contains([]string{planetscale.StateReady, planetscale.StateError, planetscale.StateQueued}, state) && dr.State == planetscale.RequestOpen {
		g := deployreport.ReadReadiness(ctx, c, db, dr)
		r.Readiness = &g
	}
	if state != planetscale.StatePending {
		rec := reporteddiff.New(dr.Number, r.Statements, r.Destructive)
		r.Reported = &rec
	}
	outputs(s, r)
	logReport(s, r)
	why := deployreport.Publish(ctx, s, db, dr.Branch, deployreport.Markdown(r))
	if r.Reported != nil && !r.Closed {
		rv := reporteddiff.Review{Record: *r.Reported, OrgDatabase: r.OrgDatabase, Database: db, Statements: len(r.Statements), Destructive: r.Destructive}
		reporteddiff.StoreInReview(ctx, s, c, rv, why, created)
	}
	return failOn(s, r, err)
}

// closeRequest closes deploy request n, reconciling a close that may
// have failed by reading the request back.
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
		if now.State == planetscale.RequestClosed {
			return now, nil
		}
		if attempt == attempts {
			return nil, err
		}
		s.Logf("deploy request #%d was not closed (%v); trying again", n, err)
	}
}

package waitanddeploy

import (
	"context"
	"fmt"
	"time"

	"github.com/psflow/psflow/actions/internal/ddlcheck"
	"github.com/psflow/psflow/actions/internal/deployreport"
	"github.com/psflow/psflow/internal/scope"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

// timeline turns the waiter's state changes into comment events.
func timeline(start time.Time, changes []planetscale.Change) []deployreport.Event {
	out := make([]deployreport.Event, 0, len(changes))
	for _, c := range changes {
		out = append(out, deployreport.Event{State: c.State, At: start.Add(c.At), After: c.At})
	}
	return out
}

// publish writes the final state, the timeline and the changes into the
// summary and the sticky comment, keeping the reported record.
func publish(ctx context.Context, s *step.Step, f *follower, events []deployreport.Event, err error) {
	dr := f.last
	r := deployreport.Report{
		OrgDatabase: scope.OrgDatabase(s), Database: f.db, Branch: dr.Branch, Into: dr.IntoBranch, Number: dr.Number, URL: dr.HtmlURL,
		State: dr.DeploymentState, Closed: dr.State == planetscale.RequestClosed, Timeline: events, Outcome: sentence(dr, err),
	}
	if r.State != planetscale.StateNoChanges {
		// The statements this run checked before its deploy call are what
		// deployed; otherwise they are read, unless a permanent refusal to
		// list them was met already.
		r.Statements, r.Destructive = f.check.statements, f.check.destructive
		if f.check.statements == nil && f.check.opsErr == nil {
			ops, opErr := f.c.Operations(ctx, f.db, dr.Number)
			if opErr != nil {
				s.Warnf("could not read the operations of deploy request #%d: %v", dr.Number, opErr)
			} else {
				r.Statements, r.Destructive = ddlcheck.Statements(ops), ddlcheck.Destructive(ops, nil)
			}
		}
		// Lint findings matter while the request is still to deploy.
		r.NoLint = true
		if f.failed != "" || err != nil {
			lint, lintErr := f.c.LintSchema(ctx, f.db, dr.Branch)
			r.Lint, r.NoLint = lint, lintErr != nil
		}
	}
	if f.check.found != nil || s.Bool("comment") && deployreport.OnGitHub(s) {
		look, lookErr := f.lookup(ctx, dr.Branch)
		if lookErr != nil {
			// Rewriting the comment would drop the record a later run checks against.
			s.Warnf("the pull request comment was not written: could not read the record of what open-deploy-request reported in it: %v", lookErr)
			s.Summary(deployreport.Markdown(r))
			return
		}
		r.Reported = look.Record
	}
	deployreport.Publish(ctx, s, f.db, dr.Branch, deployreport.Markdown(r))
}

// sentence is the comment's closing line.
func sentence(dr *planetscale.DeployRequest, err error) string {
	if err != nil {
		return fmt.Sprintf("**Not deployed as asked**: %s", err)
	}
	switch dr.DeploymentState {
	case planetscale.StateNoChanges:
		return "Nothing was deployed."
	case planetscale.StateCompletePendingRevert:
		return "**Deployed.** The change can still be reverted on PlanetScale until its revert window closes."
	case planetscale.StateComplete:
		return "**Deployed.**"
	}
	return fmt.Sprintf("Deployment state: %s.", dr.DeploymentState)
}

package waitanddeploy

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/psflow/psflow/actions/internal/deployreport"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

// cancelTimeout bounds the calls that cancel a deployment after the wait
// timed out.
const cancelTimeout = time.Minute

// outcome turns how the wait ended into the step's error: nil on success,
// exit 4 for a deployment that ended badly, the wait's own error otherwise.
func outcome(ctx context.Context, f *follower, waitErr error) error {
	if waitErr != nil {
		return waitErr
	}
	dr, where := f.last, f.orgDatabase
	switch f.failed {
	case "":
		return nil
	case planetscale.RequestClosed:
		return step.DeployFailedf("deploy request #%d of %s was closed before it was deployed; see %s", dr.Number, where, dr.HtmlURL)
	case planetscale.StateError:
		return f.notDeployable(ctx)
	}
	detail := ""
	if d, err := f.c.GetDeployment(ctx, f.db, dr.Number); err == nil && d.DeployCheckErrors != nil && *d.DeployCheckErrors != "" {
		detail = ": " + *d.DeployCheckErrors
	}
	return step.DeployFailedf("deploy request #%d of %s ended in %s%s; see %s", dr.Number, where, f.failed, detail, dr.HtmlURL)
}

// notDeployable is the step's error for a request in deployment state
// error: its conflicts and lint errors, and what to do.
func (f *follower) notDeployable(ctx context.Context) error {
	dr := f.last
	var g deployreport.Readiness
	if dr.Deployment != nil {
		g.LintErrors = deployreport.LintErrors(dr.Deployment.LintErrors)
	}
	d, err := f.c.GetDeployment(ctx, f.db, dr.Number)
	if err == nil {
		g.Conflicts = deployreport.CheckErrors(d)
		g.LintErrors = deployreport.LintErrors(d.LintErrors)
	}
	why := strings.Join(g.Blockers(), "; ")
	if why == "" {
		why = "PlanetScale reports it as not deployable"
		if err != nil {
			why += fmt.Sprintf(" (why could not be read: %v)", err)
		}
	}
	return step.DeployFailedf("deploy request #%d of %s cannot be deployed: %s; %s; see %s",
		dr.Number, f.orgDatabase, why, g.Remedy(dr.Branch, dr.IntoBranch, f.pr), dr.HtmlURL)
}

// onTimeout cancels or leaves the deployment, as on_timeout asks, once the
// step stops without it, and says what it did.
func (f *follower) onTimeout(ctx context.Context) string {
	var what string
	if f.s.String("on_timeout") == "leave" {
		what = fmt.Sprintf("left in state %s (on_timeout: leave): it goes on without this job, and deploys when its turn comes", f.last.DeploymentState)
	} else {
		cctx, cancel := context.WithTimeout(ctx, cancelTimeout)
		what = f.cancel(cctx)
		cancel()
	}
	f.s.Logf("deploy request #%d of %s: %s", f.number, f.orgDatabase, what)
	return what
}

// cancel cancels the deployment after a timeout when it still can be, and
// says what happened.
func (f *follower) cancel(ctx context.Context) string {
	dr, err := f.c.GetDeployRequest(ctx, f.db, f.number)
	if err != nil {
		return fmt.Sprintf("not cancelled, its state could not be read (%v): it may still deploy; cancel it on PlanetScale (%s)", err, f.last.HtmlURL)
	}
	f.last = dr
	switch state := dr.DeploymentState; {
	case state == planetscale.StateReady || state == planetscale.StatePending:
		return fmt.Sprintf("nothing to cancel: it was never queued (state %s), so it does not deploy later", state)
	case !planetscale.CancellableState(state):
		return fmt.Sprintf("not cancelled: a deployment in state %s is past the point where it can be cancelled", state)
	}
	dr, err = f.c.CancelDeploy(ctx, f.db, f.number)
	if err != nil {
		return fmt.Sprintf("cancelling failed (%v): it may still deploy; cancel it on PlanetScale (%s)", err, f.last.HtmlURL)
	}
	f.last = dr
	return fmt.Sprintf("cancelled its deployment (now %s, on_timeout: cancel), so that it does not deploy after this job failed", dr.DeploymentState)
}

package waitanddeploy

import (
	"context"
	"fmt"
	"strings"

	"github.com/psflow/psflow/actions/internal/deployreport"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

// logQueue logs, once per change, where the queued request dr stands in its
// target's deploy queue and what ahead of it holds the queue.
func (f *follower) logQueue(dr *planetscale.DeployRequest) {
	var ahead []deployreport.Ahead
	if dr.Deployment != nil {
		ahead = deployreport.Preceding(dr.Deployment.PrecedingDeployments)
	}
	desc := deployreport.DescribeQueue(ahead)
	if desc == f.queue {
		return
	}
	f.queue = desc
	if len(ahead) == 0 {
		f.s.Logf("deploy request #%d of %s is now first in the deploy queue of %s", f.number, f.orgDatabase, dr.IntoBranch)
		return
	}
	f.s.Logf("deploy request #%d of %s is queued at position %d in the deploy queue of %s; ahead of it: %s",
		f.number, f.orgDatabase, len(ahead)+1, dr.IntoBranch, desc)
}

// skipRevertAhead ends the revert window of a deployment that holds the
// queue ahead of dr, with skip_revert_ahead (docs/design/actions-wait-and-deploy.md).
func (f *follower) skipRevertAhead(ctx context.Context, dr *planetscale.DeployRequest) error {
	if !f.skipAhead || dr.Deployment == nil {
		return nil
	}
	for _, d := range dr.Deployment.PrecedingDeployments {
		if d.State != planetscale.StateCompletePendingRevert {
			continue
		}
		ahead, err := f.c.SkipRevert(ctx, f.db, d.DeployRequestNumber)
		switch {
		case err == nil:
			f.s.Logf("ended the revert window of deploy request #%d (branch %s) of %s, which held the deploy queue of %s "+
				"ahead of #%d: it can no longer be reverted, and is now %s (skip_revert_ahead: false waits for the "+
				"window to close instead)",
				ahead.Number, ahead.Branch, f.orgDatabase, dr.IntoBranch, f.number, ahead.DeploymentState)
		case planetscale.IsKind(err, planetscale.KindInvalid):
			f.s.Logf("deploy request #%d of %s is no longer in its revert window (%v)", d.DeployRequestNumber, f.orgDatabase, err)
		default:
			return err
		}
	}
	return nil
}

// blockedQueue unblocks a queue that a failed deploy of dr's branch holds,
// or another's with unblock_queue; else the step stops (exit 4).
func (f *follower) blockedQueue(ctx context.Context, dr *planetscale.DeployRequest) error {
	if dr.Deployment == nil {
		return nil
	}
	for _, d := range dr.Deployment.PrecedingDeployments {
		if !planetscale.BlockingState(d.State) {
			continue
		}
		other, err := f.c.GetDeployRequest(ctx, f.db, d.DeployRequestNumber)
		if err != nil {
			return err
		}
		own := other.Branch == dr.Branch
		if !f.unblock && !own {
			f.blocked = true
			return step.DeployFailedf("the deploy queue of %s of %s is blocked by deploy request #%d, whose deploy or revert ended in %s: "+
				"PlanetScale holds the queue until it is unblocked (pscale deploy-request unblock %s %d); psflow "+
				"unblocks another request's deploy only with unblock_queue: true",
				dr.IntoBranch, f.orgDatabase, d.DeployRequestNumber, d.State, f.db, d.DeployRequestNumber)
		}
		ahead, err := f.c.CompleteErroredDeploy(ctx, f.db, d.DeployRequestNumber)
		switch {
		case err == nil && own:
			f.s.Logf("unblocked the deploy queue of %s: deploy request #%d of %s, an earlier request of branch %s, ended in %s and held it",
				dr.IntoBranch, ahead.Number, f.orgDatabase, ahead.Branch, d.State)
		case err == nil:
			f.s.Logf("unblocked the deploy queue of %s: deploy request #%d (branch %s) of %s ended in %s and held it (unblock_queue)",
				dr.IntoBranch, ahead.Number, ahead.Branch, f.orgDatabase, d.State)
		case planetscale.IsKind(err, planetscale.KindInvalid):
			f.s.Logf("deploy request #%d of %s no longer blocks the deploy queue (%v)", d.DeployRequestNumber, f.orgDatabase, err)
		default:
			return err
		}
	}
	return nil
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

// refusalAdvice says what to do about a deploy the API keeps refusing.
func (f *follower) refusalAdvice() string {
	dr := f.last
	if strings.Contains(f.refused.Error(), "queued ahead") {
		return fmt.Sprintf("its changes collide with a deployment queued ahead of it: once that one is done, %s (see %s)",
			deployreport.Rebase(dr.Branch, dr.IntoBranch, f.pr), dr.HtmlURL)
	}
	return "see " + dr.HtmlURL
}

package waitanddeploy

import (
	"context"
	"fmt"
	"strings"

	"github.com/psflow/psflow/actions/internal/deployreport"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

// logQueue logs where the queued request dr stands in its target's deploy
// queue and what is ahead of it, naming a deployment that holds the queue
// (a gated cutover, a revert window), once per change.
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
		f.s.Logf("deploy request #%d of %s is now first in the deploy queue of %s", f.number, f.where(), dr.IntoBranch)
		return
	}
	f.s.Logf("deploy request #%d of %s is queued at position %d in the deploy queue of %s; ahead of it: %s",
		f.number, f.where(), len(ahead)+1, dr.IntoBranch, desc)
}

// skipRevertAhead ends the revert window of a deployment that holds the
// deploy queue ahead of the queued request dr, when skip_revert_ahead is
// on. A deployment in its revert window holds the queue for the whole
// window, 30 minutes on PlanetScale, and pscale tells the user "You can
// skip the revert to unblock the deploy queue" (planetscale/cli
// internal/cmd/deployrequest/deploy.go). Ending it only when another
// deploy waits behind it keeps the revert for as long as nothing is held
// back, and lets a burst of merges deploy in order within their timeouts.
// A refusal means the window ended meanwhile (its own run, or another
// waiting run, skipped it; or it closed), and is only logged.
func (f *follower) skipRevertAhead(ctx context.Context, dr *planetscale.DeployRequest) error {
	if !f.skipAhead || dr.Deployment == nil {
		return nil
	}
	for _, d := range dr.Deployment.PrecedingDeployments {
		if d.State != stateCompletePendingRevert {
			continue
		}
		ahead, err := f.c.SkipRevert(ctx, f.db, d.DeployRequestNumber)
		switch {
		case err == nil:
			f.s.Logf("ended the revert window of deploy request #%d (branch %s) of %s, which held the deploy queue of %s ahead of #%d: it can no longer be reverted, and is now %s (skip_revert_ahead: false waits for the window to close instead)",
				ahead.Number, ahead.Branch, f.where(), dr.IntoBranch, f.number, ahead.DeploymentState)
		case planetscale.IsKind(err, planetscale.KindInvalid):
			f.s.Logf("deploy request #%d of %s is no longer in its revert window (%v)", d.DeployRequestNumber, f.where(), err)
		default:
			return err
		}
	}
	return nil
}

// blockedQueue deals with a deploy queue that another request's failed
// deploy or revert holds ahead of dr: PlanetScale keeps it blocked until
// someone calls complete-deploy on that request (pscale deploy-request
// unblock; spec operation complete_errored_deploy). A failed request of
// dr's own branch (the deploy a re-run of the job replaces) is unblocked;
// another branch's only with unblock_queue, as that is a decision about
// another pull request's deploy: by default the step stops (exit 4),
// naming it.
func (f *follower) blockedQueue(ctx context.Context, dr *planetscale.DeployRequest) error {
	if dr.Deployment == nil {
		return nil
	}
	for _, d := range dr.Deployment.PrecedingDeployments {
		if !planetscale.BlockingState(d.State) {
			continue
		}
		own, err := f.ownRequest(ctx, d.DeployRequestNumber, dr.Branch)
		if err != nil {
			return err
		}
		if !f.unblock && !own {
			f.blocked = true
			return step.DeployFailedf("the deploy queue of %s of %s is blocked by deploy request #%d, whose deploy or revert ended in %s: PlanetScale holds the queue until it is unblocked (pscale deploy-request unblock %s %d); psflow unblocks another request's deploy only with unblock_queue: true",
				dr.IntoBranch, f.where(), d.DeployRequestNumber, d.State, f.db, d.DeployRequestNumber)
		}
		ahead, err := f.c.CompleteErroredDeploy(ctx, f.db, d.DeployRequestNumber)
		switch {
		case err == nil && own:
			f.s.Logf("unblocked the deploy queue of %s: deploy request #%d of %s, an earlier request of branch %s, ended in %s and held it",
				dr.IntoBranch, ahead.Number, f.where(), ahead.Branch, d.State)
		case err == nil:
			f.s.Logf("unblocked the deploy queue of %s: deploy request #%d (branch %s) of %s ended in %s and held it (unblock_queue)",
				dr.IntoBranch, ahead.Number, ahead.Branch, f.where(), d.State)
		case planetscale.IsKind(err, planetscale.KindInvalid):
			f.s.Logf("deploy request #%d of %s no longer blocks the deploy queue (%v)", d.DeployRequestNumber, f.where(), err)
		default:
			return err
		}
	}
	return nil
}

// ownRequest reports whether deploy request n is of branch.
func (f *follower) ownRequest(ctx context.Context, n uint64, branch string) (bool, error) {
	other, err := f.c.GetDeployRequest(ctx, f.db, n)
	if err != nil {
		return false, err
	}
	return other.Branch == branch, nil
}

// notDeployable is the step's error for a request in deployment state
// error: what keeps it from deploying (its conflicts with the target, its
// lint errors) and what to do.
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
		dr.Number, f.where(), why, g.Remedy(dr.Branch, dr.IntoBranch, f.pr), dr.HtmlURL)
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

package waitanddeploy

import (
	"context"

	"github.com/psflow/psflow/actions/internal/deployreport"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

// queued handles the queued request dr: it logs where dr stands, unblocks
// the queue and ends a revert window ahead, as the inputs ask.
func (f *follower) queued(ctx context.Context, dr *planetscale.DeployRequest) error {
	f.logQueue(dr)
	if err := f.blockedQueue(ctx, dr); err != nil {
		return err
	}
	return f.skipRevertAhead(ctx, dr)
}

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
		if err := f.unblockAhead(ctx, dr, d); err != nil {
			return err
		}
	}
	return nil
}

// unblockAhead unblocks the queue that the failed deployment d holds ahead
// of dr, when it is of dr's branch or unblock_queue is set; else it stops.
func (f *follower) unblockAhead(ctx context.Context, dr *planetscale.DeployRequest, d *planetscale.QueuedDeployment) error {
	other, err := f.c.GetDeployRequest(ctx, f.db, d.DeployRequestNumber)
	if err != nil {
		return err
	}
	own := other.Branch == dr.Branch
	if f.unblock || own {
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
		return nil
	}
	f.blocked = true
	return step.DeployFailedf("the deploy queue of %s of %s is blocked by deploy request #%d, whose deploy or revert ended in %s: "+
		"PlanetScale holds the queue until it is unblocked (pscale deploy-request unblock %s %d); psflow "+
		"unblocks another request's deploy only with unblock_queue: true",
		dr.IntoBranch, f.orgDatabase, d.DeployRequestNumber, d.State, f.db, d.DeployRequestNumber)
}

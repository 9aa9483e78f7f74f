package waitanddeploy

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/psflow/psflow/actions/internal/deploycomment"
	"github.com/psflow/psflow/actions/shared"
	"github.com/psflow/psflow/pkg/planetscale"
)

// awaitSeedAhead starts a wait when dr cannot deploy now (its deploy was
// refused, or it is not deployable), its operations create seed-branch's
// record, and deployments queued or running ahead in the deploy queue of
// its target create the record defined the same: two pull requests that
// both create it merged at once, and the first one's deployment brings it
// to production. It logs once what it waits for and reports true; the
// follower then polls, under the one waiter and its timeout, until those
// deployments have left the queue (seedAheadDone). It looks only before
// this run queued a deploy, and reads facts alone: the operations and the
// deploy queue, never the text of an error.
func (f *follower) awaitSeedAhead(ctx context.Context, dr *planetscale.DeployRequest) (bool, error) {
	if !f.deploy || !f.deployed.IsZero() || dr.State != "open" {
		return false, nil
	}
	ops, err := f.c.Operations(ctx, f.db, f.number)
	if err != nil {
		return false, err
	}
	ours := deploycomment.RecordCreate(ops)
	if ours == "" {
		return false, nil
	}
	queue, err := f.c.DeployQueue(ctx, f.db)
	if err != nil {
		return false, err
	}
	var ahead []uint64
	for _, d := range aheadIn(queue, dr.IntoBranch, f.number) {
		ops, err := f.c.Operations(ctx, f.db, d.DeployRequestNumber)
		if err != nil {
			return false, err
		}
		if theirs := deploycomment.RecordCreate(ops); theirs != "" && deploycomment.SameRecord(ours, theirs) {
			ahead = append(ahead, d.DeployRequestNumber)
		}
	}
	if len(ahead) == 0 {
		return false, nil
	}
	f.seedAhead = ahead
	does, it := "does", "it"
	if len(ahead) > 1 {
		does, it = "do", "them"
	}
	f.s.Logf("deploy request #%d of %s cannot deploy now, and its branch creates seed-branch's record `%s`, as %s ahead of it in the deploy queue of %s %s, defined the same: "+
		"waiting for %s to finish; once %s has the record, psflow drops it from branch %s and deploys the rest",
		f.number, f.where(), shared.SeedMarkerTable, numbers(ahead), dr.IntoBranch, does, it, dr.IntoBranch, dr.Branch)
	return true, nil
}

// seedAheadDone reports whether the deployments awaitSeedAhead waits for
// have left the deploy queue of dr's target (or reached their revert
// window: the target has their changes then). When they have, the wait
// ends, the record is looked for in the target once more, and the
// follower carries on with the normal flow whatever they ended in.
func (f *follower) seedAheadDone(ctx context.Context, dr *planetscale.DeployRequest) (bool, error) {
	queue, err := f.c.DeployQueue(ctx, f.db)
	if err != nil {
		return false, err
	}
	for _, d := range aheadIn(queue, dr.IntoBranch, f.number) {
		if slices.Contains(f.seedAhead, d.DeployRequestNumber) {
			return false, nil
		}
	}
	f.s.Logf("%s ahead of deploy request #%d of %s left the deploy queue of %s", numbers(f.seedAhead), f.number, f.where(), dr.IntoBranch)
	f.seedAhead = nil
	f.seedTried = false
	return true, nil
}

// aheadIn lists the deployments in queue (GET /deploy-queue) that are
// queued or running into branch into, other than deploy request n's, and
// have not reached their revert window.
func aheadIn(queue []*planetscale.Deployment, into string, n uint64) []*planetscale.Deployment {
	var out []*planetscale.Deployment
	for _, d := range queue {
		if d.IntoBranch == into && d.DeployRequestNumber != n && d.State != stateCompletePendingRevert {
			out = append(out, d)
		}
	}
	return out
}

// numbers names deploy requests for messages: "deploy request #1",
// "deploy requests #1, #3".
func numbers(ns []uint64) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = fmt.Sprintf("#%d", n)
	}
	if len(s) == 1 {
		return "deploy request " + s[0]
	}
	return "deploy requests " + strings.Join(s, ", ")
}

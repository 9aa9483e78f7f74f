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

// poll reads the deploy request (unless run just read it) and hands it to
// the handler of its state; it says whether the deployment ended.
func (f *follower) poll(ctx context.Context) (string, bool, error) {
	dr := f.last
	if !f.fresh {
		var err error
		if dr, err = f.c.GetDeployRequest(ctx, f.db, f.number); err != nil {
			return "", false, err
		}
		f.last = dr
	}
	f.fresh = false
	state := dr.DeploymentState
	if state != f.refusedIn {
		f.refused = nil
	}
	switch {
	case state == planetscale.StateQueued:
		return state, false, f.queued(ctx, dr)
	case state == planetscale.StateNoChanges || state == planetscale.StateComplete:
		return state, true, nil
	case planetscale.FailedState(state):
		f.failed = state
		return state, true, nil
	case dr.State == planetscale.RequestClosed && (state == planetscale.StateReady || state == planetscale.StatePending):
		f.failed = planetscale.RequestClosed
		return state, true, nil
	case state == planetscale.StateCompletePendingRevert && f.revert == "leave":
		return state, true, nil
	case state == planetscale.StateReady && f.deploy:
		if waiting, err := f.awaitApproval(ctx, dr); waiting || err != nil {
			return state, false, err
		}
		fallthrough
	case state == planetscale.StatePendingCutover && f.apply,
		state == planetscale.StateCompletePendingRevert && f.revert == "skip":
		f.w.Observe(state)
		return f.act(ctx, state)
	}
	return state, false, nil
}

// lockContended is how long getting the host lock may take before it
// counts as waited for: an uncontended file lock takes microseconds.
const lockContended = 5 * time.Millisecond

// action is a call that moves a deployment on from one state.
type action struct {
	what string // "deploy", for messages: "the API refused to deploy …"
	done string // "queued the deploy of"
	call func(context.Context, string, uint64) (*planetscale.DeployRequest, error)
}

// actionFrom is the call that moves a deployment on from state.
func (f *follower) actionFrom(state string) action {
	switch state {
	case planetscale.StateReady:
		return action{what: "deploy", done: "queued the deploy of", call: f.c.Deploy}
	case planetscale.StatePendingCutover:
		return action{what: "apply the cutover of", done: "applied the cutover of", call: f.c.ApplyDeploy}
	}
	return action{what: "skip the revert window of", done: "skipped the revert window of", call: f.c.SkipRevert}
}

// act makes the call that moves the deployment on from state, under the host
// lock (docs/design/actions-wait-and-deploy.md); a deploy is checked first.
func (f *follower) act(ctx context.Context, state string) (string, bool, error) {
	if f.refused != nil && f.refusedIn == state {
		return state, false, f.refusedError(state)
	}
	a := f.actionFrom(state)
	asked := time.Now()
	release, err := f.lock.acquire(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return state, false, err
		}
		f.s.Logf("going on without the host lock: %v", err)
		release = func() {}
	}
	defer release()
	dr := f.last
	// A lock that had to be waited for was held by another run here,
	// which may have moved the deployment on since this look read it: read
	// it again. A lock got at once saves the read; a run that came and went
	// in between made the API refuse this call, which is read back below.
	if time.Since(asked) > lockContended {
		if dr, err = f.c.GetDeployRequest(ctx, f.db, f.number); err != nil {
			return state, false, err
		}
		f.last = dr
	}
	if dr.DeploymentState != state || (state == planetscale.StateReady && dr.State != planetscale.RequestOpen) {
		f.s.Logf("deploy request #%d is %s now; not calling %s", f.number, dr.DeploymentState, a.what)
		return dr.DeploymentState, false, nil
	}
	if state == planetscale.StateReady {
		if err := f.checkDiff(ctx, dr); err != nil {
			return state, false, err
		}
	}
	dr, err = a.call(ctx, f.db, f.number)
	switch {
	case err == nil:
		f.last = dr
		if state == planetscale.StateReady {
			f.deployed = time.Now()
		}
		f.s.Logf("%s deploy request #%d: now %s", a.done, f.number, dr.DeploymentState)
		return dr.DeploymentState, false, nil
	case planetscale.IsKind(err, planetscale.KindInvalid):
		f.s.Logf("the API refused to %s deploy request #%d in state %s (%v); reading its state again", a.what, f.number, state, err)
		f.approval.recheck()
		f.refused, f.refusedIn = err, state
		return state, false, nil
	}
	return state, false, err
}

// refusedError is the step's error when the API refused the call from state
// and a read found it still there (exit 4 for a ready request).
func (f *follower) refusedError(state string) error {
	if state != planetscale.StateReady {
		return f.refused
	}
	return step.DeployFailedf("deploy request #%d of %s cannot be deployed now: %w; %s",
		f.number, f.orgDatabase, f.refused, f.refusalAdvice())
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

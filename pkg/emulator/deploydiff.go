package emulator

import (
	"context"
	"slices"

	"github.com/psflow/psflow/pkg/emulator/internal/deploy"
)

// settle records an evaluation and returns the state its plan calls for (no_changes, ready or
// error; "" when the request is in it), dismissing a stale approval (docs/design/emulator-deploy.md).
// The caller holds e.mu.
func (e *Emulator) settle(db *database, dr *deployRequest, ev evaluation) string {
	if dr.evaluated && dr.approved && !slices.Equal(ev.plan.Changes.Statements(), dr.plan.Changes.Statements()) {
		dr.approved = false
		e.log.Info("deploy request approval dismissed", "database", db.name, "number", dr.number)
	}
	dr.plan, dr.files, dr.branchTables, dr.evaluated = ev.plan, ev.files, ev.branch, true
	state := deploy.Ready
	switch {
	case ev.plan.Empty():
		state = deploy.NoChanges
	case !ev.plan.Deployable():
		state = deploy.Error
	}
	if state == dr.State {
		return ""
	}
	return state
}

// finishDiff computes a pending deploy request's plan.
func (e *Emulator) finishDiff(ctx context.Context, db *database, dr *deployRequest, gen int) func() reached {
	e.mu.Lock()
	in := e.inputsOf(db, dr, gen)
	e.mu.Unlock()
	if !in.ok {
		return nil
	}
	ev, err := e.evaluate(ctx, in, nil)
	return func() reached {
		if dr.Gen != gen || ctx.Err() != nil {
			return reached{}
		}
		if err != nil {
			dr.lastErr = err.Error()
			return reached{state: deploy.Error}
		}
		return reached{state: e.settle(db, dr, ev)}
	}
}

// refreshable reports whether a deploy request follows its branch: open,
// planned, and not deploying or deployed. The caller holds e.mu.
func refreshable(dr *deployRequest) bool {
	return !dr.closed && dr.evaluated && dr.lastErr == "" &&
		(dr.State == deploy.Ready || dr.State == deploy.NoChanges || dr.State == deploy.Error)
}

// replan updates a deploy request's plan when it follows its branch, checking one rejected from
// the queue again against those ahead; a failed plan is logged, the old one kept.
func (e *Emulator) replan(ctx context.Context, db *database, dr *deployRequest) func() reached {
	e.mu.Lock()
	if !refreshable(dr) {
		e.mu.Unlock()
		return nil
	}
	gen := dr.Gen
	in := e.inputsOf(db, dr, gen)
	rejected := dr.collisions != nil
	var ahead []deploy.Ahead
	if rejected {
		ahead = aheadOf(db, dr)
	}
	e.mu.Unlock()
	ev, err := e.evaluate(ctx, in, ahead)
	if err != nil {
		e.log.Error("refresh deploy request plan", "number", dr.number, "err", err)
		return nil
	}
	return func() reached {
		if dr.Gen != gen {
			return reached{}
		}
		if rejected && dr.collisions != nil {
			dr.collisions = ev.collisions
			if ev.collisions == nil {
				e.log.Info("deploy request no longer collides with the deployments queued ahead", "database", db.name, "number", dr.number)
			}
		}
		if ev.plan.Same(dr.plan) {
			return reached{}
		}
		return reached{state: e.settle(db, dr, ev), then: func() func(context.Context) {
			e.log.Info("deploy request plan refreshed", "database", db.name, "number", dr.number,
				"statements", len(ev.plan.Merge.Plan.Changes), "deployable", ev.plan.Deployable())
			return nil
		}}
	}
}

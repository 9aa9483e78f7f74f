package emulator

import (
	"context"
	"slices"

	"github.com/psflow/psflow/pkg/emulator/internal/deploy"
)

// settle records an evaluation and moves the deploy request to no_changes, ready or error as its
// plan says, dismissing a stale approval (docs/design/emulator-deploy.md). The caller holds e.mu.
func (e *Emulator) settle(db *database, dr *deployRequest, ev evaluation) {
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
	if state != dr.State {
		e.transition(db, dr, state)
	}
}

// finishDiff computes a pending deploy request's plan.
func (e *Emulator) finishDiff(ctx context.Context, db *database, dr *deployRequest, gen int) {
	e.mu.Lock()
	in := e.inputsOf(db, dr, gen)
	e.mu.Unlock()
	if !in.ok {
		return
	}
	ev, err := e.evaluate(ctx, in, nil)
	e.mu.Lock()
	defer e.mu.Unlock()
	if dr.Gen != gen || ctx.Err() != nil {
		return
	}
	if err != nil {
		dr.lastErr = err.Error()
		e.transition(db, dr, deploy.Error)
		return
	}
	e.settle(db, dr, ev)
}

// refreshable reports whether a deploy request follows its branch: open,
// planned, and not deploying or deployed. The caller holds e.mu.
func refreshable(dr *deployRequest) bool {
	return !dr.closed && dr.evaluated && dr.lastErr == "" &&
		(dr.State == deploy.Ready || dr.State == deploy.NoChanges || dr.State == deploy.Error)
}

// recheck plans again every open deploy request into a branch a deployment just changed or
// left the queue of, so conflicts show on every read. The caller holds e.mu.
func (e *Emulator) recheck(db *database, into string) {
	for _, dr := range db.drs {
		if dr.into == into && refreshable(dr) {
			e.sched.after(0, func(ctx context.Context) { e.replan(ctx, db, dr) })
		}
	}
}

// replan updates a deploy request's plan when it follows its branch, checking one rejected from
// the queue again against those ahead; a failed plan is logged, the old one kept.
func (e *Emulator) replan(ctx context.Context, db *database, dr *deployRequest) {
	e.mu.Lock()
	if !refreshable(dr) {
		e.mu.Unlock()
		return
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
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if dr.Gen != gen {
		return
	}
	if rejected && dr.collisions != nil {
		dr.collisions = ev.collisions
		if ev.collisions == nil {
			e.log.Info("deploy request no longer collides with the deployments queued ahead", "database", db.name, "number", dr.number)
		}
	}
	if ev.plan.Same(dr.plan) {
		return
	}
	e.settle(db, dr, ev)
	e.log.Info("deploy request plan refreshed", "database", db.name, "number", dr.number,
		"statements", len(ev.plan.Merge.Plan.Changes), "deployable", ev.plan.Deployable())
}

package emulator

import (
	"context"
	"time"

	"github.com/psflow/psflow/pkg/emulator/internal/deploy"
)

// transition moves a deploy request to a state, records it, schedules what follows, lets its
// queue go on and rechecks requests into a changed target. The caller holds e.mu.
func (e *Emulator) transition(db *database, dr *deployRequest, state string) {
	now := time.Now()
	if deploy.AffectsOthers(dr.State, state) {
		defer e.recheck(db, dr.into)
	}
	if dr.Enter(state, now) {
		dr.closed, dr.closedAt = true, now
	}
	dr.updatedAt = now
	if deploy.Finished(state) {
		e.finishMigrationRows(db, dr, state == deploy.Complete)
		e.dropKept(dr)
	}
	e.log.Info("deploy request state", "database", db.name, "number", dr.number, "state", state)
	e.scheduleNext(db, dr)
	e.pump(db, dr.into)
}

// scheduleNext schedules the step that moves a deploy request on from its state by itself
// (deploy.Next), if there is one. The caller holds e.mu.
func (e *Emulator) scheduleNext(db *database, dr *deployRequest) {
	gen := dr.Gen
	var run func(ctx context.Context)
	switch step, next := deploy.Next(dr.State, dr.autoCutover || dr.instantDDL); step {
	case deploy.Diff:
		run = func(ctx context.Context) { e.finishDiff(ctx, db, dr, gen) }
	case deploy.QueueTime:
		run = e.queueTimeSpent(db, dr, gen)
	case deploy.Move:
		run = e.moveOn(db, dr, gen, next)
	case deploy.Cutover:
		run = func(ctx context.Context) { e.cutover(ctx, db, dr, gen) }
	case deploy.Revert:
		run = func(ctx context.Context) { e.revert(ctx, db, dr, gen) }
	default:
		return
	}
	e.sched.after(e.timings.inState(dr.State), run)
}

// moveOn returns a step that moves a deploy request to next, unless it has
// changed state since the step was scheduled.
func (e *Emulator) moveOn(db *database, dr *deployRequest, gen int, next string) func(context.Context) {
	return func(context.Context) {
		e.mu.Lock()
		defer e.mu.Unlock()
		if dr.Gen == gen {
			e.transition(db, dr, next)
		}
	}
}

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

// advance records under e.mu what a step did and enters the state it reached; record is nil
// when the step has nothing to record.
func (e *Emulator) advance(ctx context.Context, db *database, dr *deployRequest, record func() reached) {
	if record == nil {
		return
	}
	e.mu.Lock()
	r := record()
	switch {
	case r.state != "":
		e.transition(db, dr, r.state)
	case r.pump:
		e.pump(db, dr.into)
	}
	var after func(context.Context)
	if r.then != nil {
		after = r.then()
	}
	e.mu.Unlock()
	if after != nil {
		after(ctx)
	}
}

// scheduleNext schedules the step that moves a deploy request on from its state by itself
// (deploy.Next), if there is one. The caller holds e.mu.
func (e *Emulator) scheduleNext(db *database, dr *deployRequest) {
	gen := dr.Gen
	var step func(ctx context.Context) func() reached
	switch kind, next := deploy.Next(dr.State, dr.autoCutover || dr.instantDDL); kind {
	case deploy.Diff:
		step = func(ctx context.Context) func() reached { return e.finishDiff(ctx, db, dr, gen) }
	case deploy.QueueTime:
		step = func(context.Context) func() reached { return queueTimeSpent(dr, gen) }
	case deploy.Move:
		step = func(context.Context) func() reached { return moveOn(dr, gen, next) }
	case deploy.Cutover:
		step = func(ctx context.Context) func() reached { return e.cutover(ctx, db, dr, gen) }
	case deploy.Revert:
		step = func(ctx context.Context) func() reached { return e.revert(ctx, db, dr, gen) }
	default:
		return
	}
	e.sched.after(e.timings.inState(dr.State), func(ctx context.Context) { e.advance(ctx, db, dr, step(ctx)) })
}

// pump starts the next deployment of a queue when nothing in it runs; the start, which reads
// the target's schema, runs on the scheduler. The caller holds e.mu.
func (e *Emulator) pump(db *database, into string) {
	q, byNumber := queueOf(db, into)
	n, ok := q.Next()
	if !ok {
		return
	}
	dr := byNumber[n]
	dr.Starting = true
	gen := dr.Gen
	e.sched.after(0, func(ctx context.Context) { e.advance(ctx, db, dr, e.start(ctx, db, dr, gen)) })
}

// recheck plans again every open deploy request into a branch a deployment just changed or
// left the queue of, so conflicts show on every read. The caller holds e.mu.
func (e *Emulator) recheck(db *database, into string) {
	for _, dr := range db.drs {
		if dr.into == into && refreshable(dr) {
			e.sched.after(0, func(ctx context.Context) { e.advance(ctx, db, dr, e.replan(ctx, db, dr)) })
		}
	}
}

// moveOn moves a deploy request to next, unless it has changed state since the step was
// scheduled.
func moveOn(dr *deployRequest, gen int, next string) func() reached {
	return func() reached {
		if dr.Gen != gen {
			return reached{}
		}
		return reached{state: next}
	}
}

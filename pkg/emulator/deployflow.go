package emulator

import (
	"context"
	"time"

	"github.com/psflow/psflow/pkg/emulator/internal/deploy"
)

// transition moves a deploy request to a deployment state, records it and
// schedules what follows by itself; then the next deployment in its
// queue may start. When the deployment has changed its target or left
// its queue, the open requests into the target are checked again
// (recheck). The caller holds e.mu.
func (e *Emulator) transition(db *database, dr *deployRequest, state string) {
	now := time.Now()
	if affectsOthers(dr.state, state) {
		defer e.recheck(db, dr.into)
	}
	dr.state = state
	dr.history = append(dr.history, state)
	dr.times = append(dr.times, now)
	dr.gen++
	dr.updatedAt = now
	switch state {
	case deploy.Queued:
		dr.queuedAt, dr.due = now, false
	case deploy.Submitting:
		dr.submittedAt, dr.starting = now, false
	case deploy.InProgress:
		dr.startedAt = now
	case deploy.PendingCutover:
		dr.readyToCutoverAt = now
	case deploy.InProgressCutover:
		dr.cutoverAt = now
		if dr.readyToCutoverAt.IsZero() {
			dr.readyToCutoverAt = now
		}
	case deploy.CompletePendingRevert:
		dr.deployedAt, dr.finishedAt = now, now
		dr.closed, dr.closedAt = true, now
	case deploy.Complete, deploy.CompleteError, deploy.CompleteRevert, deploy.CompleteRevertError, deploy.CompleteCancel:
		dr.finishedAt, dr.starting = now, false
		if state == deploy.Complete && dr.deployedAt.IsZero() {
			dr.deployedAt, dr.closed, dr.closedAt = now, true, now
		}
		e.finishMigrationRows(db, dr, state == deploy.Complete)
		e.dropKept(dr)
	}
	e.log.Info("deploy request state", "database", db.name, "number", dr.number, "state", state)
	e.scheduleNext(db, dr)
	e.pump(db, dr.into)
}

// affectsOthers reports whether a deployment moving from one state to the
// next has just changed its target (a cutover, a revert) or left its
// queue without doing so (cancelled, failed). Only the end of a revert
// window changes neither.
func affectsOthers(from, to string) bool {
	switch to {
	case deploy.CompletePendingRevert, deploy.CompleteError, deploy.CompleteRevert, deploy.CompleteRevertError, deploy.CompleteCancel:
		return true
	case deploy.Complete:
		return from != deploy.CompletePendingRevert
	}
	return false
}

// scheduleNext schedules the step that moves a deploy request on from its
// current state by itself, if there is one. The caller holds e.mu.
func (e *Emulator) scheduleNext(db *database, dr *deployRequest) {
	t := e.timings
	gen := dr.gen
	var (
		delay time.Duration
		run   func(ctx context.Context)
	)
	switch dr.state {
	case deploy.Pending:
		delay, run = t.DiffReady, func(ctx context.Context) { e.finishDiff(ctx, db, dr, gen) }
	case deploy.Queued:
		delay, run = t.Queue, e.queueTimeSpent(db, dr, gen)
	case deploy.Submitting:
		delay, run = t.Submit, e.moveOn(db, dr, gen, deploy.InProgress)
	case deploy.InProgress:
		next := deploy.PendingCutover
		if dr.autoCutover || dr.instantDDL {
			next = deploy.InProgressCutover
		}
		delay, run = t.InProgress, e.moveOn(db, dr, gen, next)
	case deploy.InProgressCutover:
		delay, run = t.Cutover, func(ctx context.Context) { e.cutover(ctx, db, dr, gen) }
	case deploy.CompletePendingRevert:
		delay, run = t.RevertWindow, e.moveOn(db, dr, gen, deploy.Complete)
	case deploy.InProgressRevert:
		delay, run = t.Revert, func(ctx context.Context) { e.revert(ctx, db, dr, gen) }
	case deploy.InProgressCancel:
		delay, run = t.Cancel, e.moveOn(db, dr, gen, deploy.CompleteCancel)
	default:
		return
	}
	e.sched.after(delay, run)
}

// moveOn returns a step that moves a deploy request to next, unless it has
// changed state since the step was scheduled.
func (e *Emulator) moveOn(db *database, dr *deployRequest, gen int, next string) func(context.Context) {
	return func(context.Context) {
		e.mu.Lock()
		defer e.mu.Unlock()
		if dr.gen == gen {
			e.transition(db, dr, next)
		}
	}
}

package emulator

import (
	"context"
	"time"

	"github.com/psflow/psflow/pkg/emulator/internal/deploy"
)

// Deployment states of a deploy request, as the API names them.
const (
	statePending               = deploy.Pending
	stateReady                 = deploy.Ready
	stateNoChanges             = deploy.NoChanges
	stateQueued                = deploy.Queued
	stateSubmitting            = deploy.Submitting
	stateInProgress            = deploy.InProgress
	statePendingCutover        = deploy.PendingCutover
	stateInProgressCutover     = deploy.InProgressCutover
	stateCompletePendingRevert = deploy.CompletePendingRevert
	stateComplete              = deploy.Complete
	stateCompleteError         = deploy.CompleteError
	stateInProgressRevert      = deploy.InProgressRevert
	stateCompleteRevert        = deploy.CompleteRevert
	stateCompleteRevertError   = deploy.CompleteRevertError
	stateInProgressCancel      = deploy.InProgressCancel
	stateCompleteCancel        = deploy.CompleteCancel
	stateError                 = deploy.Error
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
	case stateQueued:
		dr.queuedAt, dr.due = now, false
	case stateSubmitting:
		dr.submittedAt, dr.starting = now, false
	case stateInProgress:
		dr.startedAt = now
	case statePendingCutover:
		dr.readyToCutoverAt = now
	case stateInProgressCutover:
		dr.cutoverAt = now
		if dr.readyToCutoverAt.IsZero() {
			dr.readyToCutoverAt = now
		}
	case stateCompletePendingRevert:
		dr.deployedAt, dr.finishedAt = now, now
		dr.closed, dr.closedAt = true, now
	case stateComplete, stateCompleteError, stateCompleteRevert, stateCompleteRevertError, stateCompleteCancel:
		dr.finishedAt, dr.starting = now, false
		if state == stateComplete && dr.deployedAt.IsZero() {
			dr.deployedAt, dr.closed, dr.closedAt = now, true, now
		}
		e.finishMigrationRows(db, dr, state == stateComplete)
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
	case stateCompletePendingRevert, stateCompleteError, stateCompleteRevert, stateCompleteRevertError, stateCompleteCancel:
		return true
	case stateComplete:
		return from != stateCompletePendingRevert
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
	case statePending:
		delay, run = t.DiffReady, func(ctx context.Context) { e.finishDiff(ctx, db, dr, gen) }
	case stateQueued:
		delay, run = t.Queue, e.queueTimeSpent(db, dr, gen)
	case stateSubmitting:
		delay, run = t.Submit, e.moveOn(db, dr, gen, stateInProgress)
	case stateInProgress:
		next := statePendingCutover
		if dr.autoCutover || dr.instantDDL {
			next = stateInProgressCutover
		}
		delay, run = t.InProgress, e.moveOn(db, dr, gen, next)
	case stateInProgressCutover:
		delay, run = t.Cutover, func(ctx context.Context) { e.cutover(ctx, db, dr, gen) }
	case stateCompletePendingRevert:
		delay, run = t.RevertWindow, e.moveOn(db, dr, gen, stateComplete)
	case stateInProgressRevert:
		delay, run = t.Revert, func(ctx context.Context) { e.revert(ctx, db, dr, gen) }
	case stateInProgressCancel:
		delay, run = t.Cancel, e.moveOn(db, dr, gen, stateCompleteCancel)
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

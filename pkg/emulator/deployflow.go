package emulator

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/psflow/psflow/pkg/emulator/ddl"
)

// Deployment states of a deploy request, as the API names them.
const (
	statePending               = "pending"
	stateReady                 = "ready"
	stateNoChanges             = "no_changes"
	stateQueued                = "queued"
	stateSubmitting            = "submitting"
	stateInProgress            = "in_progress"
	statePendingCutover        = "pending_cutover"
	stateInProgressCutover     = "in_progress_cutover"
	stateCompletePendingRevert = "complete_pending_revert"
	stateComplete              = "complete"
	stateCompleteError         = "complete_error"
	stateInProgressRevert      = "in_progress_revert"
	stateCompleteRevert        = "complete_revert"
	stateCompleteRevertError   = "complete_revert_error"
	stateInProgressCancel      = "in_progress_cancel"
	stateCompleteCancel        = "complete_cancel"
	stateError                 = "error"
)

// deploying reports whether a deployment is under way, so the deploy
// request cannot be closed.
func deploying(state string) bool {
	return slices.Contains([]string{
		stateQueued, stateSubmitting, stateInProgress, statePendingCutover, stateInProgressCutover,
		stateInProgressCancel, stateInProgressRevert,
	}, state)
}

// cancellable reports whether a deployment can still be cancelled.
func cancellable(state string) bool {
	return slices.Contains([]string{stateQueued, stateSubmitting, stateInProgress, statePendingCutover}, state)
}

// transition moves a deploy request to a deployment state, records it and
// schedules what follows by itself. The caller holds e.mu.
func (e *Emulator) transition(db *database, dr *deployRequest, state string) {
	now := time.Now()
	dr.state = state
	dr.history = append(dr.history, state)
	dr.times = append(dr.times, now)
	dr.gen++
	dr.updatedAt = now
	switch state {
	case stateQueued:
		dr.queuedAt = now
	case stateSubmitting:
		dr.submittedAt = now
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
		dr.finishedAt = now
	}
	e.log.Info("deploy request state", "database", db.name, "number", dr.number, "state", state)
	e.scheduleNext(db, dr)
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
		delay, run = t.Queue, e.moveOn(db, dr, gen, stateSubmitting)
	case stateSubmitting:
		delay, run = t.Submit, e.moveOn(db, dr, gen, stateInProgress)
	case stateInProgress:
		next := statePendingCutover
		if dr.autoCutover {
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

// storageOf returns the storage databases of a deploy request's branch and
// into branch, if it is still at generation gen. The caller holds e.mu.
func (e *Emulator) storageOf(db *database, dr *deployRequest, gen int) (from, into string, ok bool) {
	if dr.gen != gen {
		return "", "", false
	}
	if b := db.branches[dr.branch]; b != nil {
		from = b.storageDB
	}
	if b := db.branches[dr.into]; b != nil {
		into = b.storageDB
	}
	return from, into, true
}

// cutover applies a deploy request's plan to the into branch's database:
// complete_pending_revert when the server accepts every statement,
// complete_error when it rejects one.
func (e *Emulator) cutover(ctx context.Context, db *database, dr *deployRequest, gen int) {
	e.mu.Lock()
	_, into, ok := e.storageOf(db, dr, gen)
	stmts := dr.plan.Statements()
	e.mu.Unlock()
	if !ok {
		return
	}
	before, err := e.store.Schema(ctx, into)
	if err == nil {
		err = e.store.Exec(ctx, into, stmts...)
	}
	e.mu.Lock()
	if dr.gen != gen || ctx.Err() != nil {
		e.mu.Unlock()
		return
	}
	if err != nil {
		dr.lastErr = err.Error()
		e.transition(db, dr, stateCompleteError)
		e.mu.Unlock()
		return
	}
	dr.before = statements(before)
	e.transition(db, dr, stateCompletePendingRevert)
	var drops dropList
	if b := db.branches[dr.branch]; dr.autoDeleteBranch && b != nil && !b.production {
		drops = e.removeBranch(db, b, time.Now())
	}
	e.mu.Unlock()
	if err := drops.run(ctx, e); err != nil {
		e.log.Error("auto-delete branch", "branch", dr.branch, "err", err)
	}
}

// revert restores the into branch's schema from before the deploy:
// complete_revert, or complete_revert_error when the server refuses.
func (e *Emulator) revert(ctx context.Context, db *database, dr *deployRequest, gen int) {
	e.mu.Lock()
	_, into, ok := e.storageOf(db, dr, gen)
	before := dr.before
	e.mu.Unlock()
	if !ok {
		return
	}
	current, err := e.store.Schema(ctx, into)
	var plan ddl.Plan
	if err == nil {
		plan, err = ddl.Diff(statements(current), before)
	}
	if err == nil {
		err = e.store.Exec(ctx, into, plan.Statements()...)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if dr.gen != gen || ctx.Err() != nil {
		return
	}
	if err != nil {
		dr.lastErr = err.Error()
		e.transition(db, dr, stateCompleteRevertError)
		return
	}
	e.transition(db, dr, stateCompleteRevert)
}

// deployRequestBody is the body of POST .../deploy.
type deployRequestBody struct {
	InstantDDL bool `json:"instant_ddl"`
}

func (e *Emulator) deployDeployRequest(w http.ResponseWriter, r *http.Request) error {
	var req deployRequestBody
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	if err := e.refreshPlan(r); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	db, dr, err := e.findDeployRequest(r)
	if err != nil {
		return err
	}
	dr.calls++
	switch {
	case dr.closed:
		return unprocessable("deploy request #%d is closed", dr.number)
	case dr.state == stateNoChanges:
		return unprocessable("deploy request #%d has no changes to deploy", dr.number)
	case dr.state != stateReady:
		return unprocessable("deploy request #%d cannot be deployed in state %s", dr.number, dr.state)
	}
	dr.instantDDL = req.InstantDDL
	e.transition(db, dr, stateQueued)
	writeJSON(w, http.StatusOK, e.deployRequestView(db, dr))
	return nil
}

// deployAction serves an action that moves a deployment from the states
// allowed to state.
func (e *Emulator) deployAction(allowed func(string) bool, state, what string) apiHandler {
	return func(w http.ResponseWriter, r *http.Request) error {
		e.mu.Lock()
		defer e.mu.Unlock()
		db, dr, err := e.findDeployRequest(r)
		if err != nil {
			return err
		}
		if !allowed(dr.state) {
			return unprocessable("cannot %s deploy request #%d in state %s", what, dr.number, dr.state)
		}
		e.transition(db, dr, state)
		writeJSON(w, http.StatusOK, e.deployRequestView(db, dr))
		return nil
	}
}

// stateIs returns a predicate matching one state.
func stateIs(want string) func(string) bool { return func(s string) bool { return s == want } }

func (e *Emulator) applyDeploy(w http.ResponseWriter, r *http.Request) error {
	return e.deployAction(stateIs(statePendingCutover), stateInProgressCutover, "apply")(w, r)
}

func (e *Emulator) skipRevert(w http.ResponseWriter, r *http.Request) error {
	return e.deployAction(stateIs(stateCompletePendingRevert), stateComplete, "skip the revert of")(w, r)
}

func (e *Emulator) revertDeploy(w http.ResponseWriter, r *http.Request) error {
	return e.deployAction(stateIs(stateCompletePendingRevert), stateInProgressRevert, "revert")(w, r)
}

func (e *Emulator) cancelDeploy(w http.ResponseWriter, r *http.Request) error {
	return e.deployAction(cancellable, stateInProgressCancel, "cancel")(w, r)
}

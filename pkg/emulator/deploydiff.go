package emulator

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/psflow/psflow/pkg/emulator/ddl"
)

// finishDiff computes a pending deploy request's plan: ready when there is
// something to deploy, no_changes otherwise.
func (e *Emulator) finishDiff(ctx context.Context, db *database, dr *deployRequest, gen int) {
	e.mu.Lock()
	from, into, ok := e.storageOf(db, dr, gen)
	e.mu.Unlock()
	if !ok {
		return
	}
	var (
		plan  ddl.Plan
		files []schemaFile
		err   error
	)
	if from == "" || into == "" {
		err = fmt.Errorf("branch %s or %s no longer exists", dr.branch, dr.into)
	} else {
		plan, files, err = e.diffDatabases(ctx, into, from)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if dr.gen != gen || ctx.Err() != nil {
		return
	}
	switch {
	case err != nil:
		dr.lastErr = err.Error()
		e.transition(db, dr, stateError)
	case plan.Empty():
		e.transition(db, dr, stateNoChanges)
	default:
		dr.plan, dr.files = plan, files
		e.transition(db, dr, stateReady)
	}
}

// refreshPlan recomputes the plan of the open deploy request in the path
// when it is ready or no_changes and either branch's schema has changed
// since, the way the real service keeps a deploy request up to date with
// its branch. The state follows: ready when there is something to deploy,
// no_changes otherwise. Only an unknown deploy request is an error; a diff
// that fails is logged and the old plan kept.
func (e *Emulator) refreshPlan(r *http.Request) error {
	e.mu.Lock()
	db, dr, err := e.findDeployRequest(r)
	if err != nil || dr.closed || (dr.state != stateReady && dr.state != stateNoChanges) {
		e.mu.Unlock()
		return err
	}
	gen := dr.gen
	from, into, _ := e.storageOf(db, dr, gen)
	e.mu.Unlock()
	if from == "" || into == "" {
		return nil
	}
	plan, files, err := e.diffDatabases(r.Context(), into, from)
	if err != nil {
		e.log.Error("refresh deploy request diff", "number", dr.number, "err", err)
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if dr.gen != gen || slices.Equal(plan.Statements(), dr.plan.Statements()) {
		return nil
	}
	dr.plan, dr.files = plan, files
	state := stateReady
	if plan.Empty() {
		state = stateNoChanges
	}
	if state != dr.state {
		e.transition(db, dr, state)
	}
	e.log.Info("deploy request diff refreshed", "database", db.name, "number", dr.number, "changes", len(plan.Changes))
	return nil
}

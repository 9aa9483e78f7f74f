package emulator

import (
	"context"

	"github.com/psflow/psflow/pkg/emulator/internal/deploy"
)

// queueTimeSpent marks a queued deployment as having spent the emulated
// queue time, so it may start when it reaches the head.
func queueTimeSpent(dr *deployRequest, gen int) func() reached {
	return func() reached {
		if dr.Gen != gen {
			return reached{}
		}
		dr.Due = true
		return reached{pump: true}
	}
}

// start checks the head of the queue once more against the target now, an undocumented last
// check, then submits it; one that no longer applies fails (docs/design/emulator-deploy.md).
func (e *Emulator) start(ctx context.Context, db *database, dr *deployRequest, gen int) func() reached {
	e.mu.Lock()
	q := dr.queued
	into := deploy.Target{ForeignKeys: db.settings.foreignKeys}
	if b := db.branches[dr.into]; b != nil {
		into.StorageDB = b.storageDB
	}
	e.mu.Unlock()
	var (
		ev  evaluation
		err error
	)
	if into.StorageDB == "" {
		err = errBranchGone(dr.into)
	} else {
		ev, err = e.planOnto(ctx, q.fork, q.branch, into, nil)
	}
	return func() reached {
		if dr.Gen != gen || ctx.Err() != nil {
			// It changed state meanwhile (a cancel): the head may be another.
			dr.Starting = false
			return reached{pump: true}
		}
		switch {
		case err != nil:
			dr.lastErr = err.Error()
		case ev.plan.Empty():
			return reached{state: e.consumed(db, dr, ev.plan)}
		case !ev.plan.Deployable():
			dr.plan, dr.lastErr = ev.plan, ev.plan.CheckErrors()
		}
		if dr.lastErr != "" {
			return reached{state: deploy.CompleteError}
		}
		dr.plan = ev.plan
		return reached{state: deploy.Submitting}
	}
}

// consumed records a deployment whose changes the target has all already, to complete with no
// DDL run ("the first deploy consumes them"; docs/design/emulator-deploy.md). The caller holds e.mu.
func (e *Emulator) consumed(db *database, dr *deployRequest, plan deploy.Plan) string {
	dr.plan = plan
	if b := db.branches[dr.branch]; b != nil {
		// As after a cutover: the branch's changes are in its parent now.
		b.fork = dr.queued.branch
	}
	e.log.Info("deploy request consumed: its target has every change", "database", db.name, "number", dr.number)
	return deploy.Complete
}

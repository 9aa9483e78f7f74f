package emulator

import (
	"context"

	"github.com/psflow/psflow/pkg/emulator/internal/deploy"
)

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
	e.sched.after(0, func(ctx context.Context) { e.start(ctx, db, dr, gen) })
}

// queueTimeSpent marks a queued deployment as having spent the emulated
// queue time, so it may start when it reaches the head.
func (e *Emulator) queueTimeSpent(db *database, dr *deployRequest, gen int) func(context.Context) {
	return func(context.Context) {
		e.mu.Lock()
		defer e.mu.Unlock()
		if dr.Gen == gen {
			dr.Due = true
			e.pump(db, dr.into)
		}
	}
}

// start checks the head of the queue once more against the target now, an undocumented last
// check, then submits it; one that no longer applies fails (docs/design/emulator-deploy.md).
func (e *Emulator) start(ctx context.Context, db *database, dr *deployRequest, gen int) {
	e.mu.Lock()
	q := dr.queued
	into := planTarget{foreignKeys: db.settings.foreignKeys}
	if b := db.branches[dr.into]; b != nil {
		into.storageDB = b.storageDB
	}
	e.mu.Unlock()
	var (
		ev  evaluation
		err error
	)
	if into.storageDB == "" {
		err = errBranchGone(dr.into)
	} else {
		ev, err = e.planOnto(ctx, q.fork, q.branch, into, nil)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if dr.Gen != gen || ctx.Err() != nil {
		// It changed state meanwhile (a cancel): the head may be another.
		dr.Starting = false
		e.pump(db, dr.into)
		return
	}
	switch {
	case err != nil:
		dr.lastErr = err.Error()
	case ev.plan.Empty():
		e.consumed(db, dr, ev.plan)
		return
	case !ev.plan.Deployable():
		dr.plan, dr.lastErr = ev.plan, ev.plan.CheckErrors()
	}
	if dr.lastErr != "" {
		e.transition(db, dr, deploy.CompleteError)
		return
	}
	dr.plan = ev.plan
	e.transition(db, dr, deploy.Submitting)
}

// consumed completes with no DDL run a deployment whose changes the target has all already
// ("the first deploy consumes them"; docs/design/emulator-deploy.md). The caller holds e.mu.
func (e *Emulator) consumed(db *database, dr *deployRequest, plan deploy.Plan) {
	dr.plan = plan
	if b := db.branches[dr.branch]; b != nil {
		// As after a cutover: the branch's changes are in its parent now.
		b.fork = dr.queued.branch
	}
	e.log.Info("deploy request consumed: its target has every change", "database", db.name, "number", dr.number)
	e.transition(db, dr, deploy.Complete)
}

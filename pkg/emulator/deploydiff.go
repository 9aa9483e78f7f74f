package emulator

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/psflow/psflow/pkg/emulator/internal/deploy"
	"github.com/psflow/psflow/pkg/emulator/internal/storage"
)

// planInputs is what a deploy request is planned from, read under e.mu:
// the branch's fork point and the storage of both branches.
type planInputs struct {
	fork       []storage.Table
	from, into string
	ok         bool
	// foreignKeys is the database's allow_foreign_key_constraints.
	foreignKeys bool
}

// inputsOf returns what dr is planned from, if it is still at generation
// gen. The caller holds e.mu.
func (e *Emulator) inputsOf(db *database, dr *deployRequest, gen int) planInputs {
	if dr.Gen != gen {
		return planInputs{}
	}
	in := planInputs{ok: true, foreignKeys: db.settings.foreignKeys}
	if b := db.branches[dr.branch]; b != nil {
		in.fork, in.from = b.fork, b.storageDB
	}
	if b := db.branches[dr.into]; b != nil {
		in.into = b.storageDB
	}
	return in
}

// planTarget is the branch a plan deploys into: its storage database and
// its database's allow_foreign_key_constraints, read under e.mu.
type planTarget struct {
	storageDB   string
	foreignKeys bool
}

// evaluation is a deploy request's plan with the schemas it came from.
type evaluation struct {
	plan       deploy.Plan
	branch     []storage.Table // the branch's schema the plan was made from
	files      []schemaFile
	collisions []deploy.Collision // with the deployments ahead it was checked against
}

// evaluate plans a deploy request from its branch's fork point, the
// branch now and the target now, and checks it against the deployments
// ahead when there are any.
func (e *Emulator) evaluate(ctx context.Context, in planInputs, ahead []deploy.Ahead) (evaluation, error) {
	if in.from == "" || in.into == "" {
		return evaluation{}, fmt.Errorf("the branch or the branch it deploys into no longer exists")
	}
	branch, err := e.store.Schema(ctx, in.from)
	if err != nil {
		return evaluation{}, err
	}
	return e.planOnto(ctx, in.fork, branch, planTarget{in.into, in.foreignKeys}, ahead)
}

// planOnto plans the changes from fork to branch onto the target's
// storage database as it is (deploy.Evaluate) and, when that deploys,
// checks them against it as the deployments ahead will leave it
// (deploy.CheckQueue).
func (e *Emulator) planOnto(ctx context.Context, fork, branch []storage.Table, into planTarget, ahead []deploy.Ahead) (evaluation, error) {
	tables, err := e.store.Schema(ctx, into.storageDB)
	if err != nil {
		return evaluation{}, err
	}
	sides := deploy.Sides{Fork: statements(fork), Branch: statements(branch), Target: statements(tables), ForeignKeys: into.foreignKeys}
	plan, err := deploy.Evaluate(sides)
	if err != nil {
		return evaluation{}, err
	}
	ev := evaluation{plan: plan, branch: branch, files: diffFiles(plan.Changes, fork, branch)}
	if plan.Deployable() {
		if ev.collisions, err = deploy.CheckQueue(sides, ahead); err != nil {
			return evaluation{}, err
		}
	}
	return ev, nil
}

// settle records an evaluation on a deploy request and moves it to the
// state the plan calls for: no_changes when there is nothing to deploy,
// ready when it can deploy, error when it conflicts with its target or
// breaks a lint rule (a deploy request with lint errors shows
// deployment_state "error" and deployable false in PlanetScale's webhook
// example, planetscale.com/docs/api/webhook-events). An approval is
// dismissed when the changes it approved change ("an approval is
// automatically dismissed if the proposed changes are updated after the
// deploy request is approved", planetscale.com/docs, deploy requests): the
// branch's own changes, not the target moving under them.
// The caller holds e.mu.
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

// refreshPlan brings the plan of the deploy request in the path up to date
// with its branch and its target, the way the real service keeps an open
// deploy request's diff current and checks it again for conflicts. Only
// an unknown deploy request is an error.
func (e *Emulator) refreshPlan(r *http.Request) error {
	e.mu.Lock()
	db, dr, err := e.findDeployRequest(r)
	e.mu.Unlock()
	if err != nil {
		return err
	}
	e.replan(r.Context(), db, dr)
	return nil
}

// recheck plans again every open deploy request into a branch that a
// deployment has just changed or whose deploy queue a deployment has just
// left, so that a request that now conflicts says so on every read, lists
// included, and one rejected from the queue because of that deployment
// no longer does. The caller holds e.mu.
func (e *Emulator) recheck(db *database, into string) {
	for _, dr := range db.drs {
		if dr.into == into && refreshable(dr) {
			e.sched.after(0, func(ctx context.Context) { e.replan(ctx, db, dr) })
		}
	}
}

// replan brings a deploy request's plan up to date when it follows its
// branch (refreshable). A request rejected from the queue is checked
// against what is queued ahead again: its collisions go once the
// deployments they name have left the queue or its branch no longer
// collides, and the check against the target alone decides again. A plan
// that cannot be computed is logged and the old one kept.
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

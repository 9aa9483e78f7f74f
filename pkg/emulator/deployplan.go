package emulator

import (
	"context"
	"fmt"

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

// evaluation is a deploy request's plan with the schemas it came from.
type evaluation struct {
	plan       deploy.Plan
	branch     []storage.Table // the branch's schema the plan was made from
	files      []schemaFile
	collisions []deploy.Collision // with the deployments ahead it was checked against
}

// evaluate plans a deploy request from its branch's fork point, the branch now and the target
// now, and checks it against the deployments ahead when there are any.
func (e *Emulator) evaluate(ctx context.Context, in planInputs, ahead []deploy.Ahead) (evaluation, error) {
	if in.from == "" || in.into == "" {
		return evaluation{}, fmt.Errorf("the branch or the branch it deploys into no longer exists")
	}
	branch, err := e.store.Schema(ctx, in.from)
	if err != nil {
		return evaluation{}, err
	}
	return e.planOnto(ctx, in.fork, branch, deploy.Target{StorageDB: in.into, ForeignKeys: in.foreignKeys}, ahead)
}

// planOnto plans fork to branch onto the target (deploy.PlanOnto), with the diff files it shows.
func (e *Emulator) planOnto(ctx context.Context, fork, branch []storage.Table, into deploy.Target, ahead []deploy.Ahead) (evaluation, error) {
	p, err := deploy.PlanOnto(ctx, e.store, fork, branch, into, ahead)
	if err != nil {
		return evaluation{}, err
	}
	return evaluation{plan: p.Plan, branch: branch, files: diffFiles(p.Plan.Changes, fork, branch), collisions: p.Collisions}, nil
}

// errBranchGone says a branch a deployment needs was deleted.
func errBranchGone(name string) error { return fmt.Errorf("branch %s no longer exists", name) }

// reached is where a step of the deploy lifecycle left its request, for advance to enter.
type reached struct {
	state string // the state to enter; "" stays
	pump  bool   // with no state to enter: the request's queue may go on
	// then runs under e.mu once the state is entered; what it returns runs after e.mu is released.
	then func() func(context.Context)
}

package emulator

import (
	"context"
	"time"

	"github.com/psflow/psflow/pkg/emulator/internal/deploy"
	"github.com/psflow/psflow/pkg/emulator/internal/storage"
)

// cutover applies a deployment's plan to its target, first saving for a revert the tables whose
// data it loses; an instant one completes at once (docs/design/emulator-deploy.md).
func (e *Emulator) cutover(ctx context.Context, db *database, dr *deployRequest, gen int) func() reached {
	e.mu.Lock()
	in := e.inputsOf(db, dr, gen)
	plan, instant := dr.plan, dr.instantDDL
	table, branchDB := e.migrationSource(db, dr)
	keep, rows := "", ""
	e.mu.Unlock()
	if !in.ok {
		return nil
	}
	var (
		before []storage.Table
		err    error
	)
	if in.into == "" {
		err = errBranchGone(dr.into)
	} else {
		before, err = e.store.Schema(ctx, in.into)
	}
	if err == nil && !instant {
		keep, err = deploy.KeepLosses(ctx, e.store, in.into, storage.Statements(before), plan.Merge.Result, e.lockedStorageName)
	}
	if err == nil {
		err = e.store.Exec(ctx, in.into, plan.Merge.Plan.Statements()...)
		e.noteDefaultSchema(ctx, db, dr.into, in.into)
	}
	if err == nil {
		var saveErr error
		if rows, saveErr = e.saveMigrationRows(ctx, branchDB, table); saveErr != nil {
			e.log.Error("save migration data", "database", db.name, "number", dr.number, "table", table, "err", saveErr)
		}
	}
	return func() reached {
		dr.migrationRows, dr.migrationTable = rows, table
		if dr.Gen != gen || ctx.Err() != nil {
			e.finishMigrationRows(db, dr, false)
			return reached{}
		}
		if err != nil {
			dr.lastErr, dr.keepDB = err.Error(), keep
			return reached{state: deploy.CompleteError}
		}
		dr.before, dr.after, dr.keepDB = storage.Statements(before), plan.Merge.Result, keep
		if b := db.branches[dr.branch]; b != nil {
			// Not documented: the branch's changes are in its parent now, so a later deploy
			// request from it carries only what it changes next.
			b.fork = dr.queued.branch
		}
		next := deploy.CompletePendingRevert
		if instant {
			next = deploy.Complete
		}
		return reached{state: next, then: func() func(context.Context) { return e.autoDelete(db, dr) }}
	}
}

// autoDelete removes a deployed branch whose request asked for it (auto_delete_branch) and
// returns what drops its storage, to run once e.mu is released. The caller holds e.mu.
func (e *Emulator) autoDelete(db *database, dr *deployRequest) func(context.Context) {
	b := db.branches[dr.branch]
	if !dr.autoDeleteBranch || b == nil || b.production {
		return nil
	}
	drops := e.removeBranch(db, b, time.Now())
	return func(ctx context.Context) {
		if err := drops.run(ctx, e); err != nil {
			e.log.Error("auto-delete branch", "branch", dr.branch, "err", err)
		}
	}
}

// revert undoes one deployment's changes and only them, merging back three ways; the data it
// dropped comes back, rows written since stay (docs/design/emulator-deploy.md).
func (e *Emulator) revert(ctx context.Context, db *database, dr *deployRequest, gen int) func() reached {
	e.mu.Lock()
	in := e.inputsOf(db, dr, gen)
	before, after, keep := dr.before, dr.after, dr.keepDB
	e.mu.Unlock()
	if !in.ok {
		return nil
	}
	err := deploy.Undo(ctx, e.store, in.into, before, after, keep)
	e.noteDefaultSchema(ctx, db, dr.into, in.into)
	return func() reached {
		if dr.Gen != gen || ctx.Err() != nil {
			return reached{}
		}
		if err != nil {
			dr.lastErr = err.Error()
			return reached{state: deploy.CompleteRevertError}
		}
		return reached{state: deploy.CompleteRevert}
	}
}

// dropKept drops the data a finished deployment saved for its revert, on
// the scheduler. The caller holds e.mu.
func (e *Emulator) dropKept(dr *deployRequest) {
	keep := dr.keepDB
	if keep == "" {
		return
	}
	dr.keepDB = ""
	e.sched.after(0, func(ctx context.Context) {
		if err := e.store.DropDatabase(ctx, keep); err != nil {
			e.log.Error("drop revert data", "number", dr.number, "err", err)
		}
	})
}

// lockedStorageName is nextStorageName for a caller that does not hold e.mu.
func (e *Emulator) lockedStorageName() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.nextStorageName()
}

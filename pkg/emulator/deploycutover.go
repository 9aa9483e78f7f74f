package emulator

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/psflow/psflow/pkg/emulator/internal/ddl"
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
		keep, err = e.keepLosses(ctx, in.into, statements(before), plan.Merge.Result)
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
		dr.before, dr.after, dr.keepDB = statements(before), plan.Merge.Result, keep
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

// keepLosses saves, in a new storage database, the tables of into whose data turning before
// into after loses, and names that database ("" when nothing is lost).
func (e *Emulator) keepLosses(ctx context.Context, into string, before, after []string) (string, error) {
	losses, err := ddl.Losses(before, after)
	if err != nil || len(losses) == 0 {
		return "", err
	}
	e.mu.Lock()
	keep := e.nextStorageName()
	e.mu.Unlock()
	tables := make([]string, len(losses))
	for i, l := range losses {
		tables[i] = l.Table
	}
	if err := e.store.CreateDatabase(ctx, keep); err != nil {
		return "", err
	}
	if err := e.store.SaveTables(ctx, into, keep, tables...); err != nil {
		return "", errors.Join(err, e.store.DropDatabase(context.WithoutCancel(ctx), keep))
	}
	return keep, nil
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
	err := e.undo(ctx, in.into, before, after, keep)
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

// undo runs the revert of a deployment on the target's storage database.
func (e *Emulator) undo(ctx context.Context, into string, before, after []string, keep string) error {
	if into == "" {
		return errors.New("the branch deployed into no longer exists")
	}
	current, err := e.store.Schema(ctx, into)
	if err != nil {
		return err
	}
	m, err := ddl.ThreeWay(after, before, statements(current))
	if err != nil {
		return err
	}
	if len(m.Conflicts) > 0 {
		return fmt.Errorf("cannot revert: %s", m.Conflicts[0])
	}
	if err := e.store.Exec(ctx, into, m.Plan.Statements()...); err != nil {
		return err
	}
	if keep == "" {
		return nil
	}
	losses, err := ddl.Losses(before, after)
	if err != nil {
		return err
	}
	for _, l := range losses {
		if l.Dropped {
			err = e.store.RestoreRows(ctx, keep, into, l.Table)
		} else {
			err = e.store.RestoreColumns(ctx, keep, into, l.Table, l.Key, l.Columns)
		}
		if err != nil {
			return err
		}
	}
	return nil
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

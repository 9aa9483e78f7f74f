package emulator

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// The rows of the migration table that automatic migrations copy (migrationSettings): a new
// branch gets its parent's, and a deploy carries its branch's into the target when the
// revert window closes (docs/design/emulator.md).

// migrationTimeout bounds copying the rows of a migration table.
const migrationTimeout = 30 * time.Second

// copyParentMigrations copies the migration table's rows of the branch's source into its new
// storage database, when the setting names a table and the branch is not from a backup.
func (e *Emulator) copyParentMigrations(ctx context.Context, src branchSource, storageDB string) error {
	if src.migrationTable == "" || src.backup != nil {
		return nil
	}
	if _, err := e.store.MergeRows(ctx, src.storageDB, storageDB, src.migrationTable); err != nil {
		return fmt.Errorf("copy migration data: %w", err)
	}
	return nil
}

// migrationSource is the migration table a deploy carries and its branch's storage
// database, "" for either when there is none. The caller holds e.mu.
func (e *Emulator) migrationSource(db *database, dr *deployRequest) (table, branchDB string) {
	table = db.migrations.copyTable()
	if b := db.branches[dr.branch]; b != nil && table != "" {
		return table, b.storageDB
	}
	return "", ""
}

// saveMigrationRows copies the migration table of a deploy's branch, rows included, into a
// new storage database and names it; "" when there is no table to carry.
func (e *Emulator) saveMigrationRows(ctx context.Context, branchDB, table string) (string, error) {
	if table == "" || branchDB == "" {
		return "", nil
	}
	if ok, err := e.store.HasTable(ctx, branchDB, table); err != nil || !ok {
		return "", err
	}
	e.mu.Lock()
	keep := e.nextStorageName()
	e.mu.Unlock()
	if err := e.store.CreateDatabase(ctx, keep); err != nil {
		return "", err
	}
	if err := e.store.SaveTables(ctx, branchDB, keep, table); err != nil {
		return "", errors.Join(err, e.store.DropDatabase(context.WithoutCancel(ctx), keep))
	}
	return keep, nil
}

// finishMigrationRows moves the saved migration rows into the target when the deployment
// completes, else drops them. The caller holds e.mu: a client that reads complete finds the rows.
func (e *Emulator) finishMigrationRows(db *database, dr *deployRequest, move bool) {
	saved, table := dr.migrationRows, dr.migrationTable
	if saved == "" {
		return
	}
	dr.migrationRows = ""
	if into := db.branches[dr.into]; move && into != nil {
		ctx, cancel := context.WithTimeout(context.Background(), migrationTimeout)
		n, err := e.store.MergeRows(ctx, saved, into.storageDB, table)
		cancel()
		if err != nil {
			e.log.Error("move migration data", "database", db.name, "number", dr.number, "table", table, "err", err)
		} else {
			e.log.Info("migration data moved", "database", db.name, "number", dr.number, "table", table, "rows", n)
		}
	}
	e.sched.after(0, func(ctx context.Context) {
		if err := e.store.DropDatabase(ctx, saved); err != nil {
			e.log.Error("drop saved migration data", "number", dr.number, "err", err)
		}
	})
}

// branchSource is where a new branch's schema (and maybe data) comes from.
type branchSource struct {
	storageDB string
	backup    *backup // set when the data comes from a backup
	// migrationTable is the table automatic migrations copy, "" for none.
	migrationTable string
}

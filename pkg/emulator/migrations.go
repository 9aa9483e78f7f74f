package emulator

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// The rows of the migration table that automatic migrations copy
// (migrationSettings):
//
//   - A new branch gets its parent's rows: the setting copies "migration
//     data to new branches" (spec, PATCH .../databases/{database},
//     automatic_migrations), "this setting updates the schema_migrations
//     table each time you branch with the latest migration"
//     (planetscale.com/docs/tutorials/automatic-rails-migrations). A
//     branch restored from a backup (backup_id, seed_data) gets every row
//     of the backup, the migration table's included, with the backup's
//     schema; whether the parent's rows are added on top is not
//     documented, and they are not: the rows then stay the log of the
//     schema the branch has.
//   - A deploy carries the branch's rows to its target: "When you deploy,
//     PlanetScale runs that create table statement and copies the second
//     row from schema_migrations in add-posts-table to the
//     schema_migrations table in main" (docs, automatic-rails-migrations).
//     They move when the revert window closes, not at the cutover: "the
//     data within the table that tracks migrations will be moved to the
//     production branch only after the revert window has been closed.
//     This is to ensure that if the deploy request is reverted, the
//     production branch has the correct log of applied migrations"
//     (planetscale.com/docs/concepts/deploy-requests, "Schema revert and
//     migration data"). A reverted deploy moves none. An instant deploy,
//     which has no revert window, moves them when it completes.
//   - Not documented: when the branch's rows are read, and how they merge
//     with the target's. They are read at the cutover, when the branch's
//     schema lands (the branch may be deleted right after, with
//     auto_delete_branch); the rows the target lacks are added, and a row
//     whose key the target holds already keeps the target's values, as the
//     tutorial shows rows added, never changed: what production applied
//     stays its record.
//   - A deploy request whose only change is rows of the migration table
//     has no changes (deployment state no_changes) and cannot be deployed:
//     "when deploy requests are used to merge database branches, it's only
//     the schema that is changed in the target without writing or altering
//     any data" (planetscale.com/docs/devops/versioned-schema-migrations).

// migrationTimeout bounds copying the rows of a migration table.
const migrationTimeout = 30 * time.Second

// copyParentMigrations copies the rows of the migration table of the
// branch's source into its new storage database, when the setting names
// one and the branch does not come from a backup.
func (e *Emulator) copyParentMigrations(ctx context.Context, src branchSource, storageDB string) error {
	if src.migrationTable == "" || src.backup != nil {
		return nil
	}
	if _, err := e.store.MergeRows(ctx, src.storageDB, storageDB, src.migrationTable); err != nil {
		return fmt.Errorf("copy migration data: %w", err)
	}
	return nil
}

// migrationSource is the migration table a deploy carries and the storage
// database of its branch, or "" for either when there is none. The caller
// holds e.mu.
func (e *Emulator) migrationSource(db *database, dr *deployRequest) (table, branchDB string) {
	table = db.migrations.copyTable()
	if b := db.branches[dr.branch]; b != nil && table != "" {
		return table, b.storageDB
	}
	return "", ""
}

// saveMigrationRows copies the migration table of a deploy's branch, rows
// included, into a new storage database, and names it; "" when there is
// no table to carry.
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

// finishMigrationRows ends what a deployment saved of its branch's
// migration table: when the deployment completes (its revert window
// closed, or it had none), the rows move into its target; in any other
// final state they are dropped unmoved. The caller holds e.mu: the move is
// a single INSERT … SELECT of a small table, done before the state is seen
// as complete, so a client that reads complete finds the rows there.
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

package emulator

import (
	"context"
)

// noteSchema records the schema the default branch of db now has, read
// from its storage database, and stamps schema_last_updated_at when it
// differs from the one recorded before: the spec's "When the default branch
// schema was last changed". Deploys and reverts into the default branch
// call it after applying their DDL, and so does the MySQL edge after a
// statement that may have changed the schema ran there (possible while
// safe migrations are off), so a statement that changed nothing (CREATE
// TABLE IF NOT EXISTS of a table that exists, a TRUNCATE) moves nothing.
// Reading and recording are one step under e.noteMu, so that two notes do
// not record their schemas out of order.
func (e *Emulator) noteSchema(ctx context.Context, db *database, storageDB string) {
	e.noteMu.Lock()
	defer e.noteMu.Unlock()
	tables, err := e.store.Schema(ctx, storageDB)
	if err != nil {
		e.log.Error("read the default branch schema", "database", db.name, "err", err)
		return
	}
	now := schemaPrint(tables)
	e.mu.Lock()
	defer e.mu.Unlock()
	if b := db.branches[db.settings.defaultBranch]; b == nil || b.storageDB != storageDB || now == db.schemaPrint {
		return
	}
	db.schemaPrint, db.schemaUpdatedAt = now, e.stamp.next()
	e.log.Info("default branch schema changed", "database", db.name, "at", apiTime(db.schemaUpdatedAt))
}

// noteDefaultSchema is noteSchema for a deploy request's target when it is
// the default branch.
func (e *Emulator) noteDefaultSchema(ctx context.Context, db *database, into, storageDB string) {
	e.mu.Lock()
	isDefault := into == db.settings.defaultBranch
	e.mu.Unlock()
	if isDefault && storageDB != "" {
		e.noteSchema(ctx, db, storageDB)
	}
}

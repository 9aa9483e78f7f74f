package emulator

import (
	"context"
)

// noteSchema records the schema db's default branch now has and stamps schema_last_updated_at
// when it changed; deploys, reverts and edge DDL call it (docs/design/emulator.md).
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

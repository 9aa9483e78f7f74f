package emulator

import (
	"context"
	"strings"
	"time"

	"github.com/psflow/psflow/pkg/emulator/internal/storage"
)

// stampClock gives the times that clients compare with each other: a
// branch's created_at and its database's schema_last_updated_at, so that
// "schema_last_updated_at > created_at" tells exactly whether the default
// branch's schema changed after the branch was made. The API writes times
// to the millisecond (apiTime, as the spec's examples do), so every stamp
// is a whole millisecond and later than the one before: two events are
// never rendered alike, and their rendered order is the order they
// happened in under e.mu.
type stampClock struct{ last time.Time }

// next returns the next stamp. The caller holds e.mu.
func (c *stampClock) next() time.Time {
	t := time.Now().Truncate(time.Millisecond)
	if !t.After(c.last) {
		t = c.last.Add(time.Millisecond)
	}
	c.last = t
	return t
}

// schemaPrint is a schema as one string, to tell whether it changed.
func schemaPrint(tables []storage.Table) string {
	var b strings.Builder
	for _, t := range tables {
		b.WriteString(t.SQL)
		b.WriteString(";\n")
	}
	return b.String()
}

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

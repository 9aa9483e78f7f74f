package seedbranch_test

import (
	"context"
	"testing"

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// Tables with foreign keys, named or not, compare as the server prints them: a second run
// changes nothing, and a change rebuilds only that table, keeping its constraint.
func TestSchemaForeignKeys(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, opts...)
		env := newBranch(t, em, "pr-1")
		dir := t.TempDir()
		writeFile(t, dir, "hotels.sql", "CREATE TABLE hotels (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(50) NOT NULL);\n")
		writeFile(t, dir, "rooms.sql", "CREATE TABLE rooms (\n  id BIGINT NOT NULL PRIMARY KEY,\n  hotel_id BIGINT NOT NULL,\n"+
			"  CONSTRAINT rooms_hotel FOREIGN KEY (hotel_id) REFERENCES hotels (id)\n);\n")
		writeFile(t, dir, "beds.sql", "CREATE TABLE beds (id BIGINT NOT NULL PRIMARY KEY, room_id BIGINT NOT NULL, FOREIGN KEY (room_id) REFERENCES rooms (id));\n")
		seed := func() actiontest.Run {
			return actiontest.Exec(t, env, "seed-branch", "--branch", "pr-1", "--schema", dir)
		}
		seed().Assert(t, icmd.Success)
		r := seed()
		r.Assert(t, icmd.Success)
		assert.Check(t, is.Equal(r.Outputs["result"], "unchanged"), "the second run changed: %s", r.Outputs["reason"])

		writeFile(t, dir, "rooms.sql", "CREATE TABLE rooms (\n  id BIGINT NOT NULL PRIMARY KEY,\n  hotel_id BIGINT NOT NULL,\n  beds INT NOT NULL DEFAULT 1,\n"+
			"  CONSTRAINT rooms_hotel FOREIGN KEY (hotel_id) REFERENCES hotels (id)\n);\n")
		r = seed()
		r.Assert(t, icmd.Success)
		assert.Check(t, is.Equal(r.Outputs["reason"], "rebuilt 1 table"))
		db := branchDB(t, em, "pr-1")
		names := queryStrings(t, db, "SELECT CONSTRAINT_NAME FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'rooms' AND CONSTRAINT_TYPE = 'FOREIGN KEY'")
		assert.DeepEqual(t, names, [][]string{{"rooms_hotel"}})
		assert.Check(t, is.Len(queryStrings(t, db, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"), 3), "a scratch table was left")
	})
}

// Adopting psflow on a database whose tables the files never defined
// stops before anything is dropped, and says how to start the files.
func TestSchemaAdoptionStops(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, opts...)
		main, ok := em.BranchDatabase("app", "main")
		assert.Assert(t, ok)
		assert.NilError(t, em.Storage().Exec(context.Background(), main,
			"CREATE TABLE users (id BIGINT NOT NULL PRIMARY KEY)", "CREATE TABLE orders (id BIGINT NOT NULL PRIMARY KEY)"))
		env := newBranch(t, em, "pr-1")
		dir := t.TempDir()
		writeFile(t, dir, "rooms.sql", "CREATE TABLE rooms (id BIGINT NOT NULL PRIMARY KEY);\n")
		r := actiontest.Exec(t, env, "seed-branch", "--branch", "pr-1", "--schema", dir)
		r.Assert(t, icmd.Expected{ExitCode: 2})
		assert.Check(t, is.Contains(r.Stderr(), "holds 2 tables that the schema files do not define (orders, users)"))
		assert.Check(t, is.Contains(r.Stderr(), "psflow dump-schema --dir"))
		tables := queryStrings(t, branchDB(t, em, "pr-1"), "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME")
		assert.DeepEqual(t, tables, [][]string{{"orders"}, {"users"}})
		assert.Check(t, is.Len(passwords(t, em, "pr-1"), 0))
	})
}

// Rows the branch had before psflow ran stay in the columns a rebuilt
// table keeps.
func TestSchemaRebuildKeepsRows(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, opts...)
		env, db := branchWithRow(t, em, "pr-1")
		dir := t.TempDir()
		writeFile(t, dir, "settings.sql", "CREATE TABLE settings (k VARCHAR(20) NOT NULL PRIMARY KEY, v VARCHAR(20) NOT NULL, note VARCHAR(50) NULL);\n")
		r := actiontest.Exec(t, env, "seed-branch", "--branch", "pr-1", "--schema", dir)
		r.Assert(t, icmd.Success)
		assert.Check(t, is.Equal(r.Outputs["reason"], "rebuilt 1 table"))
		assert.DeepEqual(t, queryStrings(t, db, "SELECT k, v, COALESCE(note, '-') FROM settings"), [][]string{{"theme", "dark", "-"}})
	})
}

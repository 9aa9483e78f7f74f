package seedbranch_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/internal/history"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// Migrations mode over a PR's pushes: each migration runs once, and one edited after it ran
// gets the branch recreated and every migration run again.
func TestMigrationsPushes(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, opts...)
		history.SetupMigrations(t, em)
		env := newBranch(t, em, "pr-1")
		dir := t.TempDir()
		writeFile(t, dir, "001_rooms.sql", "CREATE TABLE rooms (id BIGINT NOT NULL PRIMARY KEY);\nINSERT INTO rooms VALUES (1);\n")
		seed := func() actiontest.Run {
			return actiontest.Exec(t, env, "seed-branch", "--branch", "pr-1", "--migrations", dir)
		}
		r := seed()
		r.Assert(t, icmd.Success)
		assert.Check(t, is.Equal(r.Outputs["reason"], "applied 1 migration"))
		r = seed()
		r.Assert(t, icmd.Success)
		assert.Check(t, is.Equal(r.Outputs["result"], "unchanged"))

		writeFile(t, dir, "002_floor.up.sql", "ALTER TABLE rooms ADD COLUMN floor INT NOT NULL DEFAULT 0;\n")
		writeFile(t, dir, "002_floor.down.sql", "ALTER TABLE rooms DROP COLUMN floor;\n")
		r = seed()
		r.Assert(t, icmd.Success)
		assert.Check(t, is.Equal(r.Outputs["reason"], "applied 1 migration"))
		versions := queryStrings(t, branchDB(t, em, "pr-1"), "SELECT version FROM schema_migrations ORDER BY version")
		assert.DeepEqual(t, versions, [][]string{{"001_rooms"}, {"002_floor"}})

		// Edited after it ran on the branch: the branch starts again off
		// production, and gets new credentials.
		writeFile(t, dir, "002_floor.up.sql", "ALTER TABLE rooms ADD COLUMN floor INT NOT NULL DEFAULT 1;\n")
		r = seed()
		r.Assert(t, icmd.Success)
		assert.Check(t, is.Equal(r.Outputs["recreated"], "true"))
		assert.Check(t, is.Contains(r.Outputs["reason"], "migration 002_floor changed since it ran on branch pr-1"))
		assert.Check(t, is.Contains(r.Outputs["reason"], "applied 2 migrations"))
		assert.Check(t, r.Outputs["dsn"] != "", "a recreated branch has new credentials")
		db := actiontest.OpenDSN(t, em, r.Outputs["dsn"])
		assert.DeepEqual(t, queryStrings(t, db, "SELECT id, floor FROM rooms"), [][]string{{"1", "1"}})
		assert.Check(t, is.Len(passwords(t, em, "pr-1"), 1), "only the output password is left")
	})
}

// Migrations need automatic migrations and the table in production;
// without them seed-branch says what to run.
func TestMigrationsNeedSetup(t *testing.T) {
	t.Parallel()
	em := emulatortest.Start(t)
	env := newBranch(t, em, "pr-1")
	dir := t.TempDir()
	assert.NilError(t, os.WriteFile(filepath.Join(dir, "001_a.sql"), []byte("CREATE TABLE a (id INT PRIMARY KEY);\n"), 0o600))
	r := actiontest.Exec(t, env, "seed-branch", "--branch", "pr-1", "--migrations", dir)
	r.Assert(t, icmd.Expected{ExitCode: 2})
	assert.Check(t, is.Contains(r.Stderr(), "has no automatic migrations"))
	assert.Check(t, is.Contains(r.Stderr(), "psflow setup-migrations --database app"))
	assert.Check(t, is.Len(passwords(t, em, "pr-1"), 0))
}

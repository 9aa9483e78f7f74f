package seedbranch_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// A PR's pushes on one branch: each run makes the branch's schema equal
// to the files and its rows the data files' rows, whatever ran before.
func TestSchemaPushes(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, opts...)
		env := newBranch(t, em, "pr-1")
		repo := t.TempDir()
		schema, data := filepath.Join(repo, "db", "schema"), filepath.Join(repo, "db", "data")
		writeFile(t, schema, "rooms.sql", "CREATE TABLE rooms (\n  id BIGINT NOT NULL PRIMARY KEY,\n  name VARCHAR(100) NOT NULL\n);\n")
		writeFile(t, schema, "big_rooms.sql", "CREATE SQL SECURITY INVOKER VIEW big_rooms AS SELECT id, name FROM rooms WHERE id > 1;\n")
		writeFile(t, data, "rooms.sql", "INSERT INTO rooms VALUES (1, 'Ada'), (2, 'Grace');\n")
		seed := func(t *testing.T) actiontest.Run {
			t.Helper()
			return actiontest.Exec(t, env, "seed-branch", "--branch", "pr-1", "--schema", schema, "--data", data)
		}
		db := branchDB(t, em, "pr-1")

		r := seed(t)
		r.Assert(t, icmd.Success)
		assert.Check(t, is.Equal(r.Outputs["result"], "changed"))
		assert.Check(t, is.Equal(r.Outputs["reason"], "created 1 table, created 1 view"))
		assert.Check(t, is.Equal(r.Outputs["recreated"], "false"))
		assert.DeepEqual(t, queryStrings(t, db, "SELECT id, name FROM big_rooms"), [][]string{{"2", "Grace"}})

		// Nothing changed: nothing is rebuilt and the rows are not doubled.
		r = seed(t)
		r.Assert(t, icmd.Success)
		assert.Check(t, is.Equal(r.Outputs["result"], "unchanged"))
		assert.Check(t, is.Equal(r.Outputs["changes"], "0"))
		assert.DeepEqual(t, queryStrings(t, db, "SELECT id, name FROM rooms ORDER BY id"), [][]string{{"1", "Ada"}, {"2", "Grace"}})

		// A new column and new rows.
		writeFile(t, schema, "rooms.sql", "CREATE TABLE rooms (\n  id BIGINT NOT NULL PRIMARY KEY,\n  name VARCHAR(100) NOT NULL,\n  floor INT NOT NULL DEFAULT 0\n);\n")
		writeFile(t, data, "rooms.sql", "INSERT INTO rooms VALUES (1, 'Ada', 1), (3, 'Linus', 2);\n")
		r = seed(t)
		r.Assert(t, icmd.Success)
		assert.Check(t, is.Equal(r.Outputs["reason"], "rebuilt 1 table"))
		assert.DeepEqual(t, queryStrings(t, db, "SELECT id, name, floor FROM rooms ORDER BY id"), [][]string{{"1", "Ada", "1"}, {"3", "Linus", "2"}})

		// The view's file is removed: the view goes.
		assert.NilError(t, os.Remove(filepath.Join(schema, "big_rooms.sql")))
		r = seed(t)
		r.Assert(t, icmd.Success)
		assert.Check(t, is.Equal(r.Outputs["dropped"], "view big_rooms"))
		assert.Check(t, is.Len(queryStrings(t, db, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"), 1))
		assert.Check(t, is.Len(passwords(t, em, "pr-1"), 0), "a password was left behind")
	})
}

// Statements that are not the desired state are refused before anything
// runs, with the line that holds them and the input they belong in.
func TestSchemaRefusesChanges(t *testing.T) {
	t.Parallel()
	em := emulatortest.Start(t)
	env := newBranch(t, em, "pr-1")
	for _, tc := range []struct{ sql, out string }{
		{"CREATE TABLE a (id INT PRIMARY KEY);\n\nALTER TABLE a ADD COLUMN b INT;\n", "a.sql:3: ALTER TABLE is a change, not a definition"},
		{"INSERT INTO a VALUES (1);\n", "a.sql:1: INSERT INTO writes rows; schema files hold the desired CREATE TABLE and CREATE VIEW statements: put rows in data"},
		{"DROP TABLE a;\n", "use migrations instead of schema"},
		{"CREATE TABLE a (id INT);\nCREATE TABLE A (id INT);\n", "a.sql:2 defines table A again (first at "},
		{"DELIMITER ;;\nCREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW BEGIN SET NEW.id = 1; END;;\n",
			"a.sql:2: CREATE TRIGGER t: PlanetScale supports no stored routines, triggers or events (planetscale.com/docs/vitess/mysql-compatibility)"},
	} {
		dir := t.TempDir()
		writeFile(t, dir, "a.sql", tc.sql)
		r := actiontest.Exec(t, env, "seed-branch", "--branch", "pr-1", "--schema", dir)
		r.Assert(t, icmd.Expected{ExitCode: 2})
		assert.Check(t, is.Contains(r.Stderr(), tc.out))
	}
	assert.Check(t, is.Len(passwords(t, em, "pr-1"), 0))
}

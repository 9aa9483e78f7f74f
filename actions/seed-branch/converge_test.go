package seedbranch_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// TestSeedBranchConvergesOverPushes runs seed-branch after each push of a
// pull request whose files change, and checks that the branch always
// holds exactly what it had before the first run plus the files of the
// push, applied in order.
func TestSeedBranchConvergesOverPushes(t *testing.T) {
	emulator.EachStorage(t, func(t *testing.T, opts ...emulator.Option) {
		t.Parallel()
		em := emulator.Start(t, opts...)
		env, db := branchWithRow(t, em, "pr-9")

		dir := t.TempDir()
		schema := "CREATE TABLE orders (id BIGINT NOT NULL PRIMARY KEY, amount INT NOT NULL);\n"
		seed := "INSERT INTO orders (id, amount) VALUES (1, 10), (2, 20);\n"
		writeFile(t, dir, "001_schema.sql", schema)
		writeFile(t, dir, "002_seed.sql", seed)
		var summary string // the step summary of the last run
		run := func(wantResult, wantReason string, wantFiles string) actiontest.Run {
			t.Helper()
			file := filepath.Join(t.TempDir(), "summary.md")
			r := actiontest.Exec(t, env, "seed-branch", "--branch", "pr-9", "--files", dir, "--summary-file", file)
			r.Assert(t, icmd.Success)
			assert.Equal(t, r.Outputs["result"], wantResult)
			assert.Equal(t, r.Outputs["reason"], wantReason)
			assert.Equal(t, r.Outputs["files"], wantFiles)
			md, err := os.ReadFile(file)
			assert.NilError(t, err)
			summary = string(md)
			return r
		}
		path := func(name string) string { return filepath.ToSlash(filepath.Join(dir, name)) }
		columns := func(table string) [][]string {
			t.Helper()
			return queryStrings(t, db, "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '"+table+"' ORDER BY ORDINAL_POSITION")
		}
		settingsKept := func() {
			t.Helper()
			assert.DeepEqual(t, queryStrings(t, db, "SELECT k, v FROM settings"), [][]string{{"theme", "dark"}})
		}

		// Push 1: the schema and the seed.
		run("applied", "first run on this branch", "2")
		assert.DeepEqual(t, queryStrings(t, db, "SELECT id, amount FROM orders ORDER BY id"), [][]string{{"1", "10"}, {"2", "20"}})

		// Push 2: 001 gains a column, and alters the table that had a row.
		writeFile(t, dir, "001_schema.sql", "CREATE TABLE orders (id BIGINT NOT NULL PRIMARY KEY, amount INT NOT NULL, currency CHAR(3));\n"+
			"ALTER TABLE settings ADD COLUMN note VARCHAR(20);\n")
		run("reset", path("001_schema.sql")+" changed since it was applied", "2")
		assert.Check(t, is.Contains(summary, "### Branch `pr-9` of acme/app seeded\n\n**reset**: "+path("001_schema.sql")+" changed since it was applied.\n\n"+
			"| File | Statements | Rows | Bytes | Time |\n|---|---:|---:|---:|---:|\n| `"+path("001_schema.sql")+"` | 2 | "))
		assert.Check(t, is.Contains(summary, "| `"+path("002_seed.sql")+"` | 1 | 2 | "))
		assert.Check(t, is.Contains(summary, "| **2 of 2 files** | **3** | "))
		assert.DeepEqual(t, columns("orders"), [][]string{{"id"}, {"amount"}, {"currency"}})
		assert.DeepEqual(t, queryStrings(t, db, "SELECT id, amount FROM orders ORDER BY id"), [][]string{{"1", "10"}, {"2", "20"}})
		assert.DeepEqual(t, columns("settings"), [][]string{{"k"}, {"v"}, {"note"}})
		settingsKept()

		// Push 3: a new file sorting after the others runs alone.
		writeFile(t, dir, "003_index.sql", "CREATE INDEX amount_idx ON orders (amount);\n")
		r := run("applied", path("003_index.sql")+" is new and sorts after every applied file", "1")
		assert.Equal(t, r.Outputs["statements"], "1")
		assert.DeepEqual(t, queryStrings(t, db, "SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'orders' AND INDEX_NAME = 'amount_idx'"), [][]string{{"1"}})

		// Push 4: nothing changed.
		run("skipped", "all 3 files were applied before and are unchanged", "0")
		assert.Check(t, is.Contains(summary, "### Branch `pr-9` of acme/app already seeded\n\nNothing was loaded: all 3 files were applied before and are unchanged (sha256 `"))

		// Push 5: a new file sorting before applied ones.
		writeFile(t, dir, "000_types.sql", "CREATE TABLE currencies (code CHAR(3) NOT NULL PRIMARY KEY);\nINSERT INTO currencies VALUES ('EUR');\n")
		run("reset", path("000_types.sql")+" is new and sorts before "+path("001_schema.sql")+", which was applied", "4")
		assert.Check(t, is.Contains(summary, "**reset**: "+path("000_types.sql")+" is new and sorts before "+path("001_schema.sql")+", which was applied.\n"))
		assert.Check(t, is.Contains(summary, "| **4 of 4 files** | "))
		assert.DeepEqual(t, queryStrings(t, db, "SELECT id FROM orders ORDER BY id"), [][]string{{"1"}, {"2"}})
		assert.DeepEqual(t, queryStrings(t, db, "SELECT code FROM currencies"), [][]string{{"EUR"}})

		// Push 6: the seed is gone and 001 no longer alters settings.
		assert.NilError(t, os.Remove(filepath.Join(dir, "002_seed.sql")))
		writeFile(t, dir, "001_schema.sql", "CREATE TABLE orders (id BIGINT NOT NULL PRIMARY KEY, amount INT NOT NULL, currency CHAR(3));\n")
		r = run("reset", path("001_schema.sql")+" changed since it was applied", "3")
		assert.Check(t, is.Contains(r.Stderr(), "rebuilt, keeping its rows, table settings"))
		assert.DeepEqual(t, queryStrings(t, db, "SELECT COUNT(*) FROM orders"), [][]string{{"0"}})
		assert.DeepEqual(t, columns("settings"), [][]string{{"k"}, {"v"}})
		settingsKept()
		runs := markerRuns(t, db)
		var files []string
		for _, m := range runs {
			assert.Equal(t, m.Status, "ok")
			files = append(files, m.File)
		}
		assert.DeepEqual(t, files, []string{path("000_types.sql"), path("001_schema.sql"), path("003_index.sql")})
		assert.Equal(t, len(passwords(t, em, "pr-9")), 0)
	})
}

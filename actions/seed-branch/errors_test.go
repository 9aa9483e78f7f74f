package seedbranch_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/internal/history"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// secret looks like what a credentials file holds; no part of it may be
// printed.
const secret = "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

// assertNoPartOf fails when any 6 bytes of s appear in what a run
// printed, its outputs or its summary.
func assertNoPartOf(t *testing.T, r actiontest.Run, summary, s string) {
	t.Helper()
	printed := r.Stdout() + r.Stderr() + summary
	for _, v := range r.Outputs {
		printed += v
	}
	for i := 0; i+6 <= len(s); i++ {
		assert.Check(t, !strings.Contains(printed, s[i:i+6]), "%q printed", s[i:i+6])
	}
}

// errorLine returns the one line of stderr that says why psflow failed.
func errorLine(t *testing.T, r actiontest.Run) string {
	t.Helper()
	for _, line := range strings.Split(r.Stderr(), "\n") {
		if strings.HasPrefix(line, "psflow seed-branch: ") {
			return line
		}
	}
	t.Fatalf("no error line in %q", r.Stderr())
	return ""
}

// A schema statement wrong on its third line: the error names that line and the statement's
// first, and the outputs say what ran before.
func TestErrorNamesTheLineSchema(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, opts...)
		env := newBranch(t, em, "pr-1")
		repo := t.TempDir()
		env["PSFLOW_SUMMARY_FILE"] = filepath.Join(repo, "summary.md")
		writeFile(t, repo, "db/000_rooms.sql", "CREATE TABLE rooms (id BIGINT NOT NULL PRIMARY KEY);\n")
		writeFile(t, repo, "db/001_schema.sql", "-- hotels\n\n\nCREATE TABLE t (\n  id INT NOT NULL PRIMARY KEY,\n  a INT,, x INT\n);\n")
		r := actiontest.Exec(t, env, "seed-branch", "--branch", "pr-1", "--schema", repo+"/db")
		r.Assert(t, icmd.Expected{ExitCode: 1})
		line := errorLine(t, r)
		assert.Check(t, is.Contains(line, repo+"/db/001_schema.sql:6: create table t: "))
		assert.Check(t, is.Contains(line, "(statement from line 4: CREATE TABLE t ( id INT NOT NULL PRIMARY KEY, a INT,, x INT ))"))
		if len(opts) == 0 { // go-mysql-server
			assert.Check(t, is.Contains(line, "Error 1105 (HY000): syntax error at position 58 near 'INT'"))
		} else {
			assert.Check(t, is.Contains(line, "Error 1064 (42000): You have an error in your SQL syntax"))
			assert.Check(t, is.Contains(line, "near 'x INT )'"))
			assert.Check(t, !strings.Contains(line, "at line"), "the statement's own line is not the file's")
		}
		assert.Check(t, is.Equal(r.Outputs["result"], "failed"))
		assert.Check(t, is.Equal(r.Outputs["reason"], "failed after it created 1 table"))
		assert.Check(t, is.Equal(r.Outputs["changes"], "1"))
		summary, err := os.ReadFile(env["PSFLOW_SUMMARY_FILE"])
		assert.NilError(t, err)
		assert.Check(t, is.Contains(string(summary), "- created table `rooms`\n\nBefore the failure the run created 1 table.\n"))
	})
}

// A data statement failing near a secret literal: the error names the line and quotes none of
// the literal; the outputs say what was loaded.
func TestErrorNamesTheLineData(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, opts...)
		env := newBranch(t, em, "pr-1")
		repo := t.TempDir()
		env["PSFLOW_SUMMARY_FILE"] = filepath.Join(repo, "summary.md")
		writeFile(t, repo, "schema/t.sql", "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v VARCHAR(100) NOT NULL);\n")
		// The SET waits for the row before it: the file is loaded whole.
		writeFile(t, repo, "data/1_ok.sql", "INSERT INTO t VALUES (1, 'one');\nSET @loaded = 1;\n")
		writeFile(t, repo, "data/2_bad.sql", "INSERT INTO t VALUES (2, 'two');\n\nINSERT INTO t VALUES\n  (3, 'three'),\n  (4, '"+secret+"' 5);\n")
		r := actiontest.Exec(t, env, "seed-branch", "--branch", "pr-1", "--schema", repo+"/schema", "--data", repo+"/data", "--parallelism", "1")
		r.Assert(t, icmd.Expected{ExitCode: 1})
		line := errorLine(t, r)
		assert.Check(t, is.Contains(line, repo+"/data/2_bad.sql:5: "))
		assert.Check(t, is.Contains(line, "(statement from line 3: INSERT INTO t VALUES (3, '…'), (4, '…' 5))"))
		if len(opts) == 0 {
			assert.Check(t, is.Contains(line, "Error 1105 (HY000): syntax error at position"))
		} else {
			assert.Check(t, is.Contains(line, "near '5)'"))
		}
		assertNoPartOf(t, r, readSummary(t, env), secret)
		assert.Check(t, is.Equal(r.Outputs["result"], "failed"))
		assert.Check(t, is.Equal(r.Outputs["reason"], "failed after it created 1 table, emptied 1 table, loaded 1 of 2 data files"))
	})
}

// A value from a literal that the server quotes back (a duplicate key)
// is elided too.
func TestErrorQuotesNoValue(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, opts...)
		env := newBranch(t, em, "pr-1")
		repo := t.TempDir()
		env["PSFLOW_SUMMARY_FILE"] = filepath.Join(repo, "summary.md")
		writeFile(t, repo, "schema/t.sql", "CREATE TABLE t (k VARCHAR(100) NOT NULL PRIMARY KEY);\n")
		writeFile(t, repo, "data/t.sql", "INSERT INTO t VALUES ('"+secret+"');\nINSERT INTO t VALUES ('"+secret+"');\n")
		r := actiontest.Exec(t, env, "seed-branch", "--branch", "pr-1", "--schema", repo+"/schema", "--data", repo+"/data")
		r.Assert(t, icmd.Expected{ExitCode: 1})
		line := errorLine(t, r)
		assert.Check(t, is.Contains(line, repo+"/data/t.sql:2: "))
		assert.Check(t, is.Contains(line, "(statement: INSERT INTO t VALUES ('…'))"))
		assertNoPartOf(t, r, readSummary(t, env), secret)
	})
}

// A migration that fails names its line; the migrations before it are
// applied, and the outputs say so.
func TestErrorNamesTheLineMigration(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, opts...)
		history.SetupMigrations(t, em)
		env := newBranch(t, em, "pr-1")
		dir := t.TempDir()
		writeFile(t, dir, "001_rooms.sql", "CREATE TABLE rooms (id BIGINT NOT NULL PRIMARY KEY);\n")
		writeFile(t, dir, "002_floor.sql", "ALTER TABLE rooms\n  ADD COLUMN floor INT NOT NULL,,\n  ADD COLUMN wing INT NOT NULL;\n")
		r := actiontest.Exec(t, env, "seed-branch", "--branch", "pr-1", "--migrations", dir)
		r.Assert(t, icmd.Expected{ExitCode: 1})
		line := errorLine(t, r)
		assert.Check(t, is.Contains(line, "migration 002_floor: "+dir+"/002_floor.sql:2: "), line)
		assert.Check(t, is.Contains(line, "(statement from line 1: ALTER TABLE rooms ADD COLUMN floor INT NOT NULL,, ADD COLUMN wing INT NOT NULL)"))
		assert.Check(t, is.Equal(r.Outputs["result"], "failed"))
		assert.Check(t, is.Equal(r.Outputs["reason"], "failed after it applied 1 migration"))
	})
}

// readSummary reads the step summary a run wrote.
func readSummary(t *testing.T, env map[string]string) string {
	t.Helper()
	b, err := os.ReadFile(env["PSFLOW_SUMMARY_FILE"])
	assert.NilError(t, err)
	return string(b)
}

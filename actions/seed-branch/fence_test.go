package seedbranch_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// Seed files stay in the working directory: a symlink found in a directory or by a glob that
// points outside is refused before anything runs; a path named outside is read.
func TestSeedFilesStayInWorkingDirectory(t *testing.T) {
	t.Parallel()
	em := emulatortest.Start(t)
	env := newBranch(t, em, "pr-1")
	outside := t.TempDir()
	creds := writeFile(t, outside, "credentials.sql", "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"+secret+"\n")
	rows := writeFile(t, outside, "rows.sql", "INSERT INTO rooms VALUES (7);\n")
	repo := t.TempDir()
	writeFile(t, repo, "db/schema/rooms.sql", "CREATE TABLE rooms (id INT NOT NULL PRIMARY KEY);\n")
	writeFile(t, repo, "shared/more.sql", "INSERT INTO rooms VALUES (8);\n")
	link := func(target, name string) {
		t.Helper()
		assert.NilError(t, os.MkdirAll(filepath.Join(repo, filepath.Dir(name)), 0o755))
		assert.NilError(t, os.Symlink(target, filepath.Join(repo, name)))
	}
	link(creds, "leak/schema/creds.sql")
	rel, err := filepath.Rel(filepath.Join(repo, "leak", "data"), creds)
	assert.NilError(t, err)
	link(rel, "leak/data/creds.sql") // relative, through ..
	link(creds, "leak/named.sql")
	link(filepath.Dir(creds), "leak/dir")
	link("../shared/more.sql", "data/more.sql")
	writeFile(t, repo, "data/rooms.sql", "INSERT INTO rooms VALUES (1);\n")
	outsideLine := func(path string) string {
		return "psflow seed-branch: input %s: " + path + " resolves to " + creds + ", outside the working directory " + repo +
			": seed files found in a directory or by a glob, or named inside the working directory, must stay inside it; to load a file from elsewhere, name it by its own path"
	}
	refused := []struct {
		name  string
		input string
		entry string
		line  string // the error line, with %s for the input
	}{
		{"a schema directory", "schema", "leak/schema", outsideLine("leak/schema/creds.sql")},
		{"a data directory", "data", "leak/data", outsideLine("leak/data/creds.sql")},
		{"a glob", "data", "leak/*/*.sql", outsideLine("leak/data/creds.sql")},
		{"a named file inside that links outside", "data", "leak/named.sql", outsideLine("leak/named.sql")},
		// A directory walk does not follow a link to a directory.
		{"a named directory inside that links outside", "data", "leak/dir", "psflow seed-branch: input %s: leak/dir matches no file"},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"--branch", "pr-1", "--" + tc.input, tc.entry}
			if tc.input != "schema" {
				args = append(args, "--schema", "db/schema")
			}
			r := actiontest.ExecIn(t, repo, env, "seed-branch", args...)
			r.Assert(t, icmd.Expected{ExitCode: 2})
			assert.Check(t, is.Equal(strings.TrimSpace(r.Stderr()), fmt.Sprintf(tc.line, tc.input)))
			assertNoPartOf(t, r, "", secret)
			assert.Check(t, is.Equal(r.Outputs["result"], "failed"))
			assert.Check(t, is.Equal(r.Outputs["reason"], "failed before it changed anything"))
		})
	}
	assert.Check(t, is.Len(passwords(t, em, "pr-1"), 0), "nothing ran")

	// Named by their own paths, files outside are read: absolute, or
	// relative through ...
	relRows, err := filepath.Rel(repo, rows)
	assert.NilError(t, err)
	other := writeFile(t, outside, "other.sql", "INSERT INTO rooms VALUES (9);\n")
	r := actiontest.ExecIn(t, repo, env, "seed-branch", "--branch", "pr-1", "--schema", "db/schema", "--data", "data,"+relRows+","+other)
	r.Assert(t, icmd.Success)
	assert.DeepEqual(t, queryStrings(t, branchDB(t, em, "pr-1"), "SELECT id FROM rooms ORDER BY id"), [][]string{{"1"}, {"7"}, {"8"}, {"9"}})
}

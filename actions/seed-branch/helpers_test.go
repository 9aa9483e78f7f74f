package seedbranch_test

import (
	"bytes"
	"context"
	"database/sql"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator"
	"gotest.tools/v3/assert"
	"gotest.tools/v3/icmd"
)

// newBranch has the create-branch action make a development branch of "app" on em and
// returns the environment for psflow.
func newBranch(t *testing.T, em *emulator.Emulator, branch string) map[string]string {
	t.Helper()
	env := actiontest.Env(em, "app")
	actiontest.Exec(t, env, "create-branch", "--branch", branch, "--create-password=false").Assert(t, icmd.Success)
	return env
}

// branchWithRow gives main the tables of mainDDL and a settings table, then makes branch off
// it with a row in settings, as Data Branching would.
func branchWithRow(t *testing.T, em *emulator.Emulator, branch string, mainDDL ...string) (map[string]string, *sql.DB) {
	t.Helper()
	main, ok := em.BranchDatabase("app", "main")
	assert.Assert(t, ok)
	ddl := append(mainDDL, "CREATE TABLE settings (k VARCHAR(20) NOT NULL PRIMARY KEY, v VARCHAR(20) NOT NULL)")
	assert.NilError(t, em.Storage().Exec(context.Background(), main, ddl...))
	env := newBranch(t, em, branch)
	db := branchDB(t, em, branch)
	_, err := db.Exec("INSERT INTO settings VALUES ('theme', 'dark')")
	assert.NilError(t, err)
	return env, db
}

// branchDB is an admin connection to the storage database of a branch.
func branchDB(t *testing.T, em *emulator.Emulator, branch string) *sql.DB {
	t.Helper()
	return actiontest.BranchDB(t, em, branch)
}

// passwords lists the passwords a branch has in the emulator's state.
var passwords = actiontest.Passwords

// queryStrings runs a query and returns its rows as strings.
var queryStrings = actiontest.Query

// allBytes is every byte value, twice, the second time in reverse.
func allBytes() []byte {
	var b []byte
	for i := range 256 {
		b = append(b, byte(i))
	}
	for i := range 256 {
		b = append(b, byte(255-i))
	}
	return b
}

// randomBytes is n reproducible random bytes.
func randomBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	return b
}

// dumpEscape escapes bytes as mysqldump writes a binary string: only NUL, quotes, backslash,
// CR, LF and ^Z.
func dumpEscape(data []byte) string {
	var b bytes.Buffer
	for _, c := range data {
		switch c {
		case 0:
			b.WriteString(`\0`)
		case '\'', '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case 0x1a:
			b.WriteString(`\Z`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// writeFile writes a script and returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	assert.NilError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	assert.NilError(t, os.WriteFile(path, []byte(content), 0o644))
	return path
}

package seedbranch_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator"
	"gotest.tools/v3/assert"
	"gotest.tools/v3/icmd"
)

// newBranch starts from em a development branch of "app" made by the
// create-branch action, as a workflow would, and returns the environment
// for psflow.
func newBranch(t *testing.T, em *emulator.Emulator, branch string) map[string]string {
	t.Helper()
	env := actiontest.Env(em, "app")
	actiontest.Exec(t, env, "create-branch", "--branch", branch, "--create-password=false").Assert(t, icmd.Success)
	return env
}

// branchWithRow gives main the tables of mainDDL and a table settings,
// then makes branch off it with a row in settings that the branch had
// before psflow ran, as from Data Branching.
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
func passwords(t *testing.T, em *emulator.Emulator, branch string) []emulator.PasswordState {
	t.Helper()
	for _, d := range em.State().Databases {
		for _, b := range d.Branches {
			if d.Name == "app" && b.Name == branch {
				return b.Passwords
			}
		}
	}
	t.Fatalf("branch %s not in the emulator's state", branch)
	return nil
}

// queryStrings runs a query and returns its rows as strings.
var queryStrings = actiontest.Query

// copySeed copies testdata/seed into a fresh directory and adds
// data/03_blobs.sql with binary rows; it returns the directory and the
// blobs by id.
func copySeed(t *testing.T) (string, map[int][]byte) {
	t.Helper()
	dir := t.TempDir()
	err := os.CopyFS(dir, os.DirFS(filepath.Join("testdata", "seed")))
	assert.NilError(t, err)
	blobs := map[int][]byte{1: allBytes(), 2: randomBytes(7, 200<<10), 3: {}}
	var b strings.Builder
	b.WriteString("LOCK TABLES `blobs` WRITE;\n")
	fmt.Fprintf(&b, "INSERT INTO `blobs` VALUES (1,_binary '%s'),(2,_binary '%s');\n", dumpEscape(blobs[1]), dumpEscape(blobs[2]))
	fmt.Fprintf(&b, "INSERT INTO `blobs` VALUES (3,X'');\nINSERT INTO `blobs` VALUES (4,X'%X');\nUNLOCK TABLES;\n", blobs[1])
	blobs[4] = blobs[1]
	assert.NilError(t, os.WriteFile(filepath.Join(dir, "data", "03_blobs.sql"), []byte(b.String()), 0o644))
	return dir, blobs
}

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

// dumpEscape escapes bytes the way mysqldump writes a binary string: only
// NUL, quotes, backslash, CR, LF and ^Z are escaped, every other byte is
// written as it is.
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

// holdLock takes a named lock with a random name on its own connection to
// db until the test ends and returns the name: a script that asks for the
// lock waits there, with nothing left running on the server afterwards.
func holdLock(t *testing.T, db *sql.DB) string {
	t.Helper()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	assert.NilError(t, err)
	name := fmt.Sprintf("psflow_test_%d", rand.Uint64())
	var got int
	assert.NilError(t, conn.QueryRowContext(ctx, "SELECT GET_LOCK(?, 0)", name).Scan(&got))
	assert.Equal(t, got, 1, "lock %s is taken", name)
	t.Cleanup(func() {
		_, _ = conn.ExecContext(ctx, "DO RELEASE_LOCK(?)", name)
		conn.Close()
	})
	return name
}

// writeFile writes a script and returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	assert.NilError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	assert.NilError(t, os.WriteFile(path, []byte(content), 0o644))
	return path
}

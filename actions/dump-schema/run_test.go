package dumpschema_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/internal/branchconn"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/fs"
	"gotest.tools/v3/icmd"
)

// production is the schema of main in these tests: two tables with rows,
// so that AUTO_INCREMENT has moved, and a view.
var production = []string{
	"CREATE TABLE users (id BIGINT NOT NULL AUTO_INCREMENT, name VARCHAR(255) NOT NULL, PRIMARY KEY (id))",
	"CREATE TABLE posts (id BIGINT NOT NULL AUTO_INCREMENT, user_id BIGINT NOT NULL, title VARCHAR(200) NOT NULL COMMENT 'AUTO_INCREMENT=7 stays', PRIMARY KEY (id), KEY user_id (user_id))",
	"INSERT INTO users (name) VALUES ('ada'), ('grace')",
	"INSERT INTO posts (user_id, title) VALUES (1, 'hello')",
	"CREATE VIEW user_posts AS SELECT users.name, posts.title FROM users JOIN posts ON posts.user_id = users.id",
}

// execOn runs statements on the storage database of a branch of app.
func execOn(t *testing.T, em *emulator.Emulator, branch string, stmts ...string) {
	t.Helper()
	name, ok := em.BranchDatabase("app", branch)
	assert.Assert(t, ok, "branch %s has no database", branch)
	assert.NilError(t, em.Storage().Exec(context.Background(), name, stmts...))
}

// serverSchema is each table's and view's file as the dump must write it:
// the storage server's CREATE statement, ";" and a newline.
func serverSchema(t *testing.T, em *emulator.Emulator, branch string) map[string]string {
	t.Helper()
	name, ok := em.BranchDatabase("app", branch)
	assert.Assert(t, ok)
	tables, err := em.Storage().Schema(context.Background(), name)
	assert.NilError(t, err)
	out := map[string]string{}
	for _, tb := range tables {
		out[tb.Name+".sql"] = tb.SQL + ";\n"
	}
	return out
}

// expectDir is the directory holding exactly files, written 0644.
func expectDir(files map[string]string) fs.PathOp {
	return func(p fs.Path) error {
		if err := fs.MatchAnyFileMode(p); err != nil {
			return err
		}
		for name, content := range files {
			if err := fs.WithFile(name, content, fs.WithMode(0o644))(p); err != nil {
				return err
			}
		}
		return nil
	}
}

func TestDumpSchema(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, opts...)
		execOn(t, em, "main", production...)
		env := actiontest.Env(em, "app")
		dir := filepath.Join(t.TempDir(), "db", "schema")

		r := actiontest.Exec(t, env, "dump-schema", "--dir", dir)
		r.Assert(t, icmd.Success)
		want := serverSchema(t, em, "main")
		assert.Equal(t, len(want), 3)
		assert.Check(t, fs.Equal(dir, fs.Expected(t, expectDir(want))))
		assert.Check(t, is.Equal(r.Outputs["dir"], dir))
		assert.Check(t, is.Equal(r.Outputs["tables"], "posts\nusers"))
		assert.Check(t, is.Equal(r.Outputs["views"], "user_posts"))
		assert.Check(t, is.Equal(r.Outputs["files"], filepath.Join(dir, "posts.sql")+"\n"+filepath.Join(dir, "user_posts.sql")+"\n"+filepath.Join(dir, "users.sql")))
		users := readFile(t, dir, "users.sql")
		assert.Check(t, is.Contains(users, "AUTO_INCREMENT"), "the column attribute stays")
		assert.Check(t, !strings.Contains(users, "AUTO_INCREMENT="), "the table option goes: %s", users)
		assert.Check(t, is.Contains(readFile(t, dir, "posts.sql"), "'AUTO_INCREMENT=7 stays'"))
		assert.Check(t, is.Contains(r.Stderr(), "3 files written, 0 unchanged"))

		// A second dump finds every file as it would write it.
		before := modTimes(t, dir)
		time.Sleep(10 * time.Millisecond)
		again := actiontest.Exec(t, env, "dump-schema", "--dir", dir)
		again.Assert(t, icmd.Success)
		assert.Check(t, is.DeepEqual(again.Outputs, r.Outputs))
		assert.Check(t, is.DeepEqual(modTimes(t, dir), before))
		assert.Check(t, is.Contains(again.Stderr(), "0 files written, 3 unchanged"))
		assert.Check(t, fs.Equal(dir, fs.Expected(t, expectDir(want))))
	})
}

func TestDumpSchemaOfABranch(t *testing.T) {
	em := emulatortest.Start(t)
	execOn(t, em, "main", production[0])
	env := actiontest.Env(em, "app")
	actiontest.Exec(t, env, "create-branch", "--branch", "pr-1", "--create-password=false").Assert(t, icmd.Success)
	execOn(t, em, "pr-1", "CREATE TABLE tags (id INT NOT NULL PRIMARY KEY)")
	dir := t.TempDir()
	summary := filepath.Join(t.TempDir(), "summary.md")
	env["PSFLOW_SUMMARY_FILE"] = summary

	r := actiontest.Exec(t, env, "dump-schema", "--dir", dir, "--branch", "pr-1")
	r.Assert(t, icmd.Success)
	assert.Check(t, fs.Equal(dir, fs.Expected(t, expectDir(serverSchema(t, em, "pr-1")))))
	assert.Check(t, is.Equal(r.Outputs["tables"], "tags\nusers"))
	assert.Check(t, is.Equal(r.Outputs["views"], ""))
	md := readFile(t, filepath.Dir(summary), "summary.md")
	assert.Check(t, is.Contains(md, "Schema of branch `pr-1` of acme/app in `"+dir+"`: 2 tables, 0 views; 2 files written, 0 unchanged."))
	assert.Check(t, is.Contains(md, "| `tags.sql` | table | written |"))
}

func TestDumpSchemaRefusesFilesItWouldNotWrite(t *testing.T) {
	em := emulatortest.Start(t)
	execOn(t, em, "main", production...)
	env := actiontest.Env(em, "app")
	dir := fs.NewDir(t, "schema",
		fs.WithFile("users.sql", "CREATE TABLE users (id INT);\n"),
		fs.WithFile("orders.sql", "CREATE TABLE orders (id INT);\n"),
		fs.WithFile("README.md", "the schema\n"),
		fs.WithDir("old", fs.WithFile("Legacy.SQL", "CREATE TABLE legacy (id INT);\n")))

	r := actiontest.Exec(t, env, "dump-schema", "--dir", dir.Path())
	r.Assert(t, icmd.Expected{ExitCode: 2})
	assert.Check(t, is.Contains(r.Stderr(), "psflow dump-schema: "+dir.Path()+" holds .sql files that the schema of branch main of acme/app does not define, "+
		"and nothing was written: old/Legacy.SQL, orders.sql; move them out of "+dir.Path()+", or set prune: true to delete them\n"))
	assert.Check(t, is.Equal(readFile(t, dir.Path(), "users.sql"), "CREATE TABLE users (id INT);\n"), "a refused dump wrote a file")
	assert.Check(t, is.Len(r.Outputs, 0))

	r = actiontest.Exec(t, env, "dump-schema", "--dir", dir.Path(), "--prune")
	r.Assert(t, icmd.Success)
	want := serverSchema(t, em, "main")
	want["README.md"] = "the schema\n"
	assert.Check(t, fs.Equal(dir.Path(), fs.Expected(t, expectDir(want), fs.WithDir("old"))))
	assert.Check(t, is.Contains(r.Stderr(), "deleted old/Legacy.SQL, orders.sql from "+dir.Path()))
}

// The database's migration table is not the schema's: seed-branch leaves
// it alone.
func TestDumpSchemaLeavesOutTheMigrationTable(t *testing.T) {
	em := emulatortest.Start(t)
	execOn(t, em, "main", production[0], branchconn.MigrationTableDDL("schema_migrations"))
	env := actiontest.Env(em, "app")
	dir := t.TempDir()

	r := actiontest.Exec(t, env, "dump-schema", "--dir", dir)
	r.Assert(t, icmd.Success)
	// Without automatic migrations, the table is the schema's like any other.
	assert.Check(t, is.Equal(r.Outputs["tables"], "schema_migrations\nusers"))

	assert.Assert(t, actiontest.SetMigrationTable(t, em, "app", "schema_migrations"), "the emulator did not apply the migration settings")
	r = actiontest.Exec(t, env, "dump-schema", "--dir", dir, "--prune")
	r.Assert(t, icmd.Success)
	assert.Check(t, is.Equal(r.Outputs["tables"], "users"))
	assert.Check(t, is.Contains(r.Stderr(), "leaving out table schema_migrations: the database's migration table (automatic migrations)"))
	assert.Check(t, fs.Equal(dir, fs.Expected(t, expectDir(map[string]string{"users.sql": serverSchema(t, em, "main")["users.sql"]}))))
}

func readFile(t *testing.T, dir, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	assert.NilError(t, err)
	return string(data)
}

// modTimes is when each file of dir was last written.
func modTimes(t *testing.T, dir string) map[string]time.Time {
	t.Helper()
	entries, err := os.ReadDir(dir)
	assert.NilError(t, err)
	out := map[string]time.Time{}
	for _, e := range entries {
		info, err := e.Info()
		assert.NilError(t, err)
		out[e.Name()] = info.ModTime()
	}
	return out
}

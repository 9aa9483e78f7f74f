package examples

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/internal/testbin"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
)

// databaseJSDir finds the npm prefix PSFLOW_DATABASE_JS holding @planetscale/database 1.20.2;
// CI installs it and must run these tests, elsewhere they are skipped without it.
func databaseJSDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("PSFLOW_DATABASE_JS")
	if dir == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but PSFLOW_DATABASE_JS is not: the application example must run under @planetscale/database")
		}
		t.Skip("PSFLOW_DATABASE_JS is not set; .ci/run installs @planetscale/database")
	}
	return dir
}

// TestApplicationTestsUnderDatabaseJS runs examples/databasejs/app.test.mjs against the HTTP
// SQL API with create-branch's branch and password; delete-branch then removes both.
func TestApplicationTestsUnderDatabaseJS(t *testing.T) {
	modules := filepath.Join(databaseJSDir(t), "node_modules")
	node, err := exec.LookPath("node")
	assert.NilError(t, err, "@planetscale/database runs on node")
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		em := startEmulator(t, append(opts, emulatortest.WithSniff(250*time.Millisecond))...) // node's TLS client on a loaded machine
		dir := t.TempDir()
		out := filepath.Join(dir, "out.env")
		env := append(os.Environ(),
			"PLANETSCALE_API_URL="+em.URL(), "PLANETSCALE_ORG="+em.Org(),
			"PLANETSCALE_SERVICE_TOKEN_ID="+em.TokenID(), "PLANETSCALE_SERVICE_TOKEN="+em.Token(),
			"PSFLOW_DATABASE=bookings_api", "PSFLOW_BRANCH=pr-12", "PSFLOW_OUTPUT_FILE="+out, "PSFLOW_MYSQL_CA="+em.CAFile())
		psflow(t, env, "create-branch")

		app := filepath.Join(dir, "app")
		assert.NilError(t, os.MkdirAll(app, 0o755))
		src, err := os.ReadFile(filepath.Join("databasejs", "app.test.mjs"))
		assert.NilError(t, err)
		assert.NilError(t, os.WriteFile(filepath.Join(app, "app.test.mjs"), src, 0o644))
		assert.NilError(t, os.Symlink(modules, filepath.Join(app, "node_modules")))
		storage := "mysql"
		if em.Storage().Embedded() {
			storage = "embedded"
		}
		cmd := exec.CommandContext(t.Context(), node, "app.test.mjs")
		cmd.Dir = app
		cmd.Env = append(os.Environ(), "DATABASE_URL="+actiontest.ReadOutputs(t, out)["database_url"], "NODE_EXTRA_CA_CERTS="+em.CAFile(), "PSFLOW_STORAGE="+storage)
		text, err := cmd.CombinedOutput()
		assert.NilError(t, err, string(text))
		assert.Equal(t, strings.TrimSpace(string(text)), "database-js: types, transaction, errors and login as in production")

		assert.Equal(t, table(t, em, "bookings"), "", "the application's tables are the branch's only")
		psflow(t, env, "delete-branch")
		assert.DeepEqual(t, branchNames(em), []string{"main"})
	})
}

// psflow runs a psflow step with env and fails the test if it fails.
func psflow(t *testing.T, env []string, step string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), testbin.Psflow(t), step)
	cmd.Env = env
	text, err := cmd.CombinedOutput()
	assert.NilError(t, err, "psflow %s: %s", step, text)
}

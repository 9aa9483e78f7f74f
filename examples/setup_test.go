package examples

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/psflow/psflow/internal/testbin"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
)

// productionSchema is the AWS guide's bookings table, on main before the PR.
const productionSchema = `CREATE TABLE hotels (
  id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  name VARCHAR(50) NOT NULL,
  address VARCHAR(50) NOT NULL,
  stars FLOAT UNSIGNED
)`

// startEmulator starts an emulator whose production branch has the guide's schema.
func startEmulator(t *testing.T, opts ...emulatortest.Option) *emulator.Emulator {
	t.Helper()
	em := emulatortest.Start(t, append([]emulatortest.Option{
		emulatortest.WithOrg("acme"), emulatortest.WithDatabases("bookings_api"),
		emulatortest.WithToken("psflow-ci-token-id", "pscale_tkn_"+strings.Repeat("x7", 16)),
	}, opts...)...)
	assert.NilError(t, em.Storage().Exec(context.Background(), mainDB(t, em), productionSchema))
	return em
}

func mainDB(t *testing.T, em *emulator.Emulator) string {
	t.Helper()
	db, ok := em.BranchDatabase("bookings_api", "main")
	assert.Assert(t, ok)
	return db
}

// hasColumn reports whether production's hotels table has a column.
func hasColumn(t *testing.T, em *emulator.Emulator, column string) bool {
	t.Helper()
	tables, err := em.Storage().Schema(context.Background(), mainDB(t, em))
	assert.NilError(t, err)
	for _, tb := range tables {
		if tb.Name == "hotels" {
			return strings.Contains(tb.SQL, "`"+column+"`")
		}
	}
	return false
}

// hasTable reports whether production has a table.
func hasTable(t *testing.T, em *emulator.Emulator, name string) bool {
	t.Helper()
	tables, err := em.Storage().Schema(context.Background(), mainDB(t, em))
	assert.NilError(t, err)
	return slices.ContainsFunc(tables, func(tb emulator.Table) bool { return tb.Name == name })
}

// pullRequestSource is a checkout of the sample pull request's files
// (testdata/pull-request), for the CI examples to build.
func pullRequestSource(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	assert.NilError(t, os.MkdirAll(filepath.Join(dir, "db"), 0o755))
	copyTree(t, filepath.Join("testdata", "pull-request", "db"), filepath.Join(dir, "db"))
	return dir
}

// pushSecondChange adds the pull request's second schema change, a
// payments table, to the checkout in dir, as a push to it would.
func pushSecondChange(t *testing.T, dir string) {
	t.Helper()
	payments := "CREATE TABLE payments (id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT, order_id INT UNSIGNED NOT NULL);\n"
	assert.NilError(t, os.WriteFile(filepath.Join(dir, "db", "schema", "payments.sql"), []byte(payments), 0o644))
}

// branchNames lists the branches of bookings_api.
func branchNames(em *emulator.Emulator) []string {
	var names []string
	for _, db := range em.State().Databases {
		for _, b := range db.Branches {
			names = append(names, b.Name)
		}
	}
	return names
}

// binDir returns a directory holding psflow, to put first on PATH.
func binDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	assert.NilError(t, os.Symlink(testbin.Psflow(t), filepath.Join(dir, "psflow")))
	return dir
}

// copyTree copies src into dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	out, err := exec.Command("cp", "-R", src+"/.", dst).CombinedOutput()
	assert.NilError(t, err, string(out))
}

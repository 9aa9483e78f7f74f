package history

import (
	"context"
	"strings"
	"testing"

	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/planetscale"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// GooseTable is goose's migration table.
const GooseTable = "goose_db_version"

// Migrations in goose's SQL format.
const (
	gooseRooms = "-- +goose Up\nCREATE TABLE rooms (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(100) NOT NULL);\n\n" +
		"-- +goose Down\nDROP TABLE rooms;\n"
	gooseFloor = "-- +goose Up\nALTER TABLE rooms ADD COLUMN floor INT NOT NULL DEFAULT 0;\n\n" +
		"-- +goose Down\nALTER TABLE rooms DROP COLUMN floor;\n"
	gooseGuests = "-- +goose Up\nCREATE TABLE guests (id BIGINT NOT NULL PRIMARY KEY, email VARCHAR(255) NOT NULL);\n\n" +
		"-- +goose Down\nDROP TABLE guests;\n"
	gooseBookings = "-- +goose Up\nCREATE TABLE bookings (id BIGINT NOT NULL PRIMARY KEY, room_id BIGINT NOT NULL);\n\n" +
		"-- +goose Down\nDROP TABLE bookings;\n"
)

// SetupGoose turns on automatic migrations for goose's table, as a team does once; the first
// `goose up` creates the table on a branch, and the first deploy request carries it.
func SetupGoose(t *testing.T, em *emulator.Emulator) {
	t.Helper()
	c, err := planetscale.New(planetscale.Config{APIURL: em.URL(), TokenID: em.TokenID(), Token: em.Token(), Org: em.Org()})
	assert.NilError(t, err)
	_, err = c.UpdateMigrationSettings(context.Background(), "app", planetscale.MigrationSettings{
		AutomaticMigrations: true, MigrationFramework: "other", MigrationTableName: GooseTable,
	})
	assert.NilError(t, err)
}

// GooseHistory plays through r a repository whose team migrates with goose, each `goose up`
// applying only its PR's migration, and checks production's end state.
func GooseHistory(t *testing.T, em *emulator.Emulator, r Runner) {
	repo := NewRepo(map[string]string{"README.md": "# bookings\n"})
	must := mustOK(t)

	pr1 := repo.Open(1).Set("db/migrations/00001_rooms.sql", gooseRooms)
	res := must(r.Push(t, 1, repo.Tree(pr1)), "#1 push")
	assert.Check(t, is.Contains(res.Output, "OK   00001_rooms.sql"))
	assert.DeepEqual(t, versions(t, em, "pr-1"), [][]string{{"0", "1"}, {"1", "1"}})
	res = must(r.Merge(t, 1, repo.Merge(pr1)), "#1 merge")
	assert.Check(t, is.Contains(res.Output, "goose: no migrations to run. current version: 1"))
	assert.DeepEqual(t, versions(t, em, "main"), [][]string{{"0", "1"}, {"1", "1"}})

	pr2 := repo.Open(2).Set("db/migrations/00002_floor.sql", gooseFloor)
	res = must(r.Push(t, 2, repo.Tree(pr2)), "#2 push")
	assertOnly(t, res.Output, "00002_floor.sql", "00001_rooms.sql")
	assert.Check(t, is.Contains(res.Output, "goose: successfully migrated database to version: 2"))
	assert.DeepEqual(t, versions(t, em, "pr-2"), [][]string{{"0", "1"}, {"1", "1"}, {"2", "1"}})
	must(r.Merge(t, 2, repo.Merge(pr2)), "#2 merge")
	assert.DeepEqual(t, versions(t, em, "main"), [][]string{{"0", "1"}, {"1", "1"}, {"2", "1"}})

	pr3 := repo.Open(3).Set("db/migrations/00003_guests.sql", gooseGuests)
	res = must(r.Push(t, 3, repo.Tree(pr3)), "#3 push")
	assertOnly(t, res.Output, "00003_guests.sql", "00001_rooms.sql", "00002_floor.sql")
	assert.DeepEqual(t, versions(t, em, "pr-3"), [][]string{{"0", "1"}, {"1", "1"}, {"2", "1"}, {"3", "1"}})
	must(r.Merge(t, 3, repo.Merge(pr3)), "#3 merge")

	prod := Production(t, em)
	assert.DeepEqual(t, Query(t, prod, "SELECT id, version_id, is_applied FROM goose_db_version ORDER BY id"),
		[][]string{{"1", "0", "1"}, {"2", "1", "1"}, {"3", "2", "1"}, {"4", "3", "1"}})
	assert.DeepEqual(t, tables(t, em), [][]string{{"goose_db_version"}, {"guests"}, {"rooms"}})
	assert.DeepEqual(t, Query(t, prod, "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'rooms' ORDER BY ORDINAL_POSITION"),
		[][]string{{"id"}, {"name"}, {"floor"}})
	assert.DeepEqual(t, Branches(em), []string{"main"})
}

// GooseOverlap deploys two goose pull requests branched off the same production, whose rows
// collide so the next `goose up` fails (docs/design/history-tests.md).
func GooseOverlap(t *testing.T, em *emulator.Emulator, r *GooseRunner) {
	repo := NewRepo(map[string]string{"README.md": "# bookings\n"})
	must := mustOK(t)

	pr1 := repo.Open(1).Set("db/migrations/00001_rooms.sql", gooseRooms)
	must(r.Merge(t, 1, repo.Merge(pr1)), "#1 merge")

	pr2 := repo.Open(2).Set("db/migrations/00002_guests.sql", gooseGuests)
	pr3 := repo.Open(3).Set("db/migrations/00003_bookings.sql", gooseBookings)
	r2, r3 := r.Race(t, 2, 3, repo.Tree(pr2), repo.Tree(pr3))
	must(r2, "#2 deploy")
	must(r3, "#3 deploy, its deploy request opened before #2 deployed")
	repo.Merge(pr2)
	repo.Merge(pr3)

	prod := Production(t, em)
	assert.DeepEqual(t, tables(t, em), [][]string{{"bookings"}, {"goose_db_version"}, {"guests"}, {"rooms"}})
	assert.DeepEqual(t, Query(t, prod, "SELECT id, version_id FROM goose_db_version ORDER BY id"),
		[][]string{{"1", "0"}, {"2", "1"}, {"3", "2"}})

	res := r.Push(t, 4, repo.Main())
	assert.Check(t, !res.OK, "goose up after the lost row passed:\n%s", res.Output)
	assert.Check(t, is.Contains(res.Output, "00003_bookings.sql"))
	must(r.Close(t, 4), "#4 close")
	assert.DeepEqual(t, Branches(em), []string{"main"})
}

// mustOK returns a check that a job succeeded.
func mustOK(t *testing.T) func(Result, string) Result {
	return func(res Result, what string) Result {
		t.Helper()
		assert.Assert(t, res.OK, "%s failed:\n%s", what, res.Output)
		return res
	}
}

// assertOnly checks that goose applied migration ran and none of the
// earlier ones.
func assertOnly(t *testing.T, output, ran string, earlier ...string) {
	t.Helper()
	assert.Check(t, is.Contains(output, "OK   "+ran))
	for _, e := range earlier {
		assert.Check(t, !strings.Contains(output, e), "%s ran again:\n%s", e, output)
	}
}

// versions returns a branch's goose_db_version rows, version and
// is_applied, in the order goose wrote them.
func versions(t *testing.T, em *emulator.Emulator, branch string) [][]string {
	t.Helper()
	name, ok := em.BranchDatabase("app", branch)
	assert.Assert(t, ok, "no branch %s", branch)
	return Query(t, Open(t, em, name), "SELECT version_id, is_applied FROM goose_db_version ORDER BY id")
}

// tables lists production's tables.
func tables(t *testing.T, em *emulator.Emulator) [][]string {
	t.Helper()
	return Query(t, Production(t, em), "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME")
}

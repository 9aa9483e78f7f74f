package history

import (
	"context"
	"strings"
	"testing"

	"github.com/psflow/psflow/internal/branchconn"
	"github.com/psflow/psflow/pkg/planetscale"

	"github.com/psflow/psflow/pkg/emulator"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// MigrationsHistory plays one repository's life in migrations mode through r, with automatic
// migrations on for schema_migrations, and checks production's end state.
func MigrationsHistory(t *testing.T, em *emulator.Emulator, r Runner) {
	repo := NewRepo(map[string]string{"README.md": "# bookings\n"})
	must := func(res Result, what string) Result { t.Helper(); return must(t, res, what) }

	pr1 := repo.Open(1).Set("db/migrations/001_rooms.sql", rooms).Set("db/data/rooms.sql", "INSERT INTO rooms (id, name) VALUES (1, 'Ada');\n")
	prod := firstPR(t, em, r, repo, pr1)
	var res Result

	// #2 branches after #1 deployed: only its own migration runs.
	pr2 := repo.Open(2).Set("db/migrations/002_floor.up.sql", "ALTER TABLE rooms ADD COLUMN floor INT NOT NULL DEFAULT 0;\n").
		Set("db/migrations/002_floor.down.sql", "ALTER TABLE rooms DROP COLUMN floor;\n")
	res = must(r.Push(t, 2, repo.Tree(pr2)), "#2 push")
	assert.Check(t, is.Contains(res.Output, "applied migration 002_floor"))
	assert.Check(t, !strings.Contains(res.Output, "applied migration 001_rooms"), "#2 ran #1's migration again")
	must(r.Merge(t, 2, repo.Merge(pr2)), "#2 merge")

	// #3 and #4 overlap and merge in reverse order.
	pr3 := repo.Open(3).Set("db/migrations/003_guests.sql", guests)
	pr4 := repo.Open(4).Set("db/migrations/004_bookings.sql", bookings)
	must(r.Push(t, 3, repo.Tree(pr3)), "#3 push")
	must(r.Push(t, 4, repo.Tree(pr4)), "#4 push")
	must(r.Merge(t, 4, repo.Merge(pr4)), "#4 merge")
	res = must(r.Merge(t, 3, repo.Merge(pr3)), "#3 merge")
	assert.Check(t, is.Contains(res.Output, "recreating branch pr-3 off main as it is now"))
	assert.Check(t, !strings.Contains(res.Output, "applied migration 004_bookings"), "#3 ran #4's migration again")

	// #6 is stacked on #5.
	pr5 := repo.Open(5).Set("db/migrations/005_invoices.sql", invoices)
	pr6 := repo.Stack(6, pr5).Set("db/migrations/006_currency.sql", "ALTER TABLE invoices ADD COLUMN currency CHAR(3) NOT NULL DEFAULT 'EUR';\n")
	must(r.Push(t, 5, repo.Tree(pr5)), "#5 push")
	must(r.Push(t, 6, repo.Tree(pr6)), "#6 push, stacked on #5")
	must(r.Merge(t, 5, repo.Merge(pr5)), "#5 merge")
	res = must(r.Push(t, 6, repo.Tree(pr6)), "#6 push after #5 deployed")
	assert.Check(t, is.Contains(res.Output, "recreating branch pr-6 off main as it is now"))
	must(r.Merge(t, 6, repo.Merge(pr6)), "#6 merge")

	// #7 reverts #4 with a migration of its own, and edits it between
	// pushes: the branch starts again off production.
	pr7 := repo.Open(7).Set("db/migrations/007_drop_bookings.sql", "DROP TABLE bookings_typo;\n")
	res = r.Push(t, 7, repo.Tree(pr7))
	assert.Check(t, !res.OK, "a migration that fails passed")
	pr7.Set("db/migrations/007_drop_bookings.sql", "DROP TABLE bookings;\n")
	res = must(r.Push(t, 7, repo.Tree(pr7)), "#7 push, fixed")
	assert.Check(t, is.Contains(res.Output, "migration 007_drop_bookings did not finish on branch pr-7"))
	must(r.Merge(t, 7, repo.Merge(pr7)), "#7 merge")

	versions := Query(t, prod, "SELECT version FROM schema_migrations ORDER BY version")
	assert.DeepEqual(t, versions, [][]string{{"001_rooms"}, {"002_floor"}, {"003_guests"}, {"004_bookings"}, {"005_invoices"}, {"006_currency"}, {"007_drop_bookings"}})
	assert.DeepEqual(t, Query(t, prod, "SELECT COUNT(*) FROM schema_migrations WHERE checksum = ''"), [][]string{{"0"}})
	tables := Query(t, prod, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME")
	assert.DeepEqual(t, tables, [][]string{{"guests"}, {"invoices"}, {"rooms"}, {"schema_migrations"}})
	assert.DeepEqual(t, Query(t, prod, "SELECT id, name, floor FROM rooms WHERE id = 100"), [][]string{{"100", "written in production", "0"}})
	assert.DeepEqual(t, Branches(em), []string{"main"})
}

// SetupMigrations turns on automatic migrations for schema_migrations
// and gives production the table, as setup-migrations does.
func SetupMigrations(t *testing.T, em *emulator.Emulator) {
	t.Helper()
	c, err := planetscale.New(planetscale.Config{APIURL: em.URL(), TokenID: em.TokenID(), Token: em.Token(), Org: em.Org()})
	assert.NilError(t, err)
	_, err = c.UpdateMigrationSettings(context.Background(), "app", planetscale.MigrationSettings{
		AutomaticMigrations: true, MigrationFramework: "other", MigrationTableName: branchconn.DefaultMigrationTable,
	})
	assert.NilError(t, err)
	main, ok := em.BranchDatabase("app", "main")
	assert.Assert(t, ok)
	assert.NilError(t, em.Storage().Exec(context.Background(), main, branchconn.MigrationTableDDL(branchconn.DefaultMigrationTable)))
}

package actiontest

import (
	"context"
	"testing"

	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/planetscale"
	"gotest.tools/v3/assert"
)

// Client is psflow's own PlanetScale client for em.
func Client(t *testing.T, em *emulator.Emulator) *planetscale.Client {
	t.Helper()
	c, err := planetscale.New(planetscale.Config{APIURL: em.URL(), TokenID: em.TokenID(), Token: em.Token(), Org: em.Org()})
	assert.NilError(t, err)
	return c
}

// MigrationSettings reads the migration settings of database.
func MigrationSettings(t *testing.T, em *emulator.Emulator, database string) planetscale.MigrationSettings {
	t.Helper()
	d, err := Client(t, em).GetDatabase(context.Background(), database)
	assert.NilError(t, err)
	return d.MigrationSettings
}

// SetMigrationTable turns on database's automatic migrations for table, as an administrator
// would, and reports whether em honours them when the database is read again.
func SetMigrationTable(t *testing.T, em *emulator.Emulator, database, table string) bool {
	t.Helper()
	want := planetscale.MigrationSettings{AutomaticMigrations: true, MigrationTableName: table}
	_, err := Client(t, em).UpdateMigrationSettings(context.Background(), database, want)
	assert.NilError(t, err)
	got := MigrationSettings(t, em, database)
	return got.AutomaticMigrations && got.MigrationTableName == table
}

package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"

	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"github.com/psflow/psflow/pkg/planetscale"
)

// psClient is psflow's client pointed at the emulator.
func psClient(t *testing.T, e *emulator.Emulator) *planetscale.Client {
	t.Helper()
	c, err := planetscale.New(planetscale.Config{APIURL: e.URL(), TokenID: e.TokenID(), Token: e.Token(), Org: e.Org()})
	assert.NilError(t, err)
	return c
}

// migrationsOn turns automatic migrations on for database app, copying
// table.
func migrationsOn(t *testing.T, e *emulator.Emulator, table string) {
	t.Helper()
	_, err := psClient(t, e).UpdateMigrationSettings(ctx(t), "app", planetscale.MigrationSettings{
		AutomaticMigrations: true, MigrationFramework: "other", MigrationTableName: table,
	})
	assert.NilError(t, err)
}

// TestDatabaseMigrationSettings: the migration settings are null until set, and PATCH sets,
// keeps and clears them, through psflow's client, planetscale-go and the raw API.
func TestDatabaseMigrationSettings(t *testing.T) {
	e := emulatortest.Start(t)
	c := psClient(t, e)

	got, err := c.GetDatabase(ctx(t), "app")
	assert.NilError(t, err)
	assert.Equal(t, got.MigrationSettings, planetscale.MigrationSettings{})
	assert.Check(t, got.SchemaLastUpdatedAt == nil, "no schema change yet")
	status, body := call(t, e, http.MethodGet, dbPath(e, "app"), nil)
	assert.Equal(t, status, http.StatusOK)
	assert.Check(t, is.Contains(string(body), `"migration_table_name":null`))
	assert.Check(t, is.Contains(string(body), `"migration_framework":null`))
	assert.Check(t, is.Contains(string(body), `"schema_last_updated_at":null`))

	want := planetscale.MigrationSettings{AutomaticMigrations: true, MigrationFramework: "rails", MigrationTableName: "schema_migrations"}
	updated, err := c.UpdateMigrationSettings(ctx(t), "app", want)
	assert.NilError(t, err)
	assert.Equal(t, updated.MigrationSettings, want)
	got, err = c.GetDatabase(ctx(t), "app")
	assert.NilError(t, err)
	assert.Equal(t, got.MigrationSettings, want)

	// The list carries them too. planetscale-go at this module's version
	// has none of these fields, so the list is read raw.
	type listed struct {
		AutomaticMigrations *bool   `json:"automatic_migrations"`
		MigrationFramework  *string `json:"migration_framework"`
		MigrationTableName  *string `json:"migration_table_name"`
	}
	dbs := listData[listed](t, e, "/v1/organizations/"+e.Org()+"/databases")
	assert.Assert(t, is.Len(dbs, 1))
	assert.Check(t, dbs[0].AutomaticMigrations != nil && *dbs[0].AutomaticMigrations)
	assert.Check(t, dbs[0].MigrationTableName != nil && *dbs[0].MigrationTableName == "schema_migrations")
	assert.Check(t, dbs[0].MigrationFramework != nil && *dbs[0].MigrationFramework == "rails")

	// A PATCH of one setting leaves the others.
	status, body = call(t, e, http.MethodPatch, dbPath(e, "app"), map[string]any{"automatic_migrations": false})
	assert.Equal(t, status, http.StatusOK, string(body))
	got, err = c.GetDatabase(ctx(t), "app")
	assert.NilError(t, err)
	assert.Equal(t, got.MigrationSettings, planetscale.MigrationSettings{MigrationFramework: "rails", MigrationTableName: "schema_migrations"})

	// An empty string clears a name.
	status, body = call(t, e, http.MethodPatch, dbPath(e, "app"), map[string]any{"migration_table_name": "", "migration_framework": ""})
	assert.Equal(t, status, http.StatusOK, string(body))
	assert.Check(t, is.Contains(string(body), `"migration_table_name":null`))
	assert.Check(t, is.Contains(string(body), `"migration_framework":null`))

	for _, tc := range []struct {
		name, table string
	}{
		{"too long", strings.Repeat("m", 65)},
		{"trailing space", "migrations "},
		{"nul", "mig\x00rations"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := call(t, e, http.MethodPatch, dbPath(e, "app"), map[string]any{"migration_table_name": tc.table})
			assert.Equal(t, status, http.StatusUnprocessableEntity, string(body))
			assert.Check(t, is.Contains(apiErr(t, body).Message, "invalid migration_table_name"))
		})
	}
	status, body = call(t, e, http.MethodPatch, dbPath(e, "app"), map[string]any{"migration_table_name": strings.Repeat("m", 64)})
	assert.Equal(t, status, http.StatusOK, string(body))
}

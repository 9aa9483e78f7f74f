package setupmigrations

import (
	"context"
	"fmt"

	"github.com/psflow/psflow/internal/scope"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

// ensureSettings turns on automatic migrations for table unless already on,
// checks that the change applied, and reports whether it changed them.
func ensureSettings(ctx context.Context, s *step.Step, c *planetscale.Client, d *planetscale.Database, table string) (bool, error) {
	m := d.MigrationSettings
	if m.AutomaticMigrations && m.MigrationTableName == table {
		s.Logf("automatic migrations of %s already copy table %s", scope.OrgDatabase(s), table)
		return false, nil
	}
	if m.AutomaticMigrations && m.MigrationTableName != "" {
		s.Warnf("automatic migrations of %s copied table %s; from now on they copy %s instead", scope.OrgDatabase(s), m.MigrationTableName, table)
	}
	want := planetscale.MigrationSettings{AutomaticMigrations: true, MigrationFramework: s.String("framework"), MigrationTableName: table}
	db := s.String("database")
	got, err := reconciled(ctx, s, "changing the migration settings",
		func(ctx context.Context) (*planetscale.Database, error) {
			return c.UpdateMigrationSettings(ctx, db, want)
		},
		func(ctx context.Context) (*planetscale.Database, bool, error) {
			d, err := c.GetDatabase(ctx, db)
			return d, err == nil && d.AutomaticMigrations && d.MigrationTableName == table, err
		})
	if err != nil {
		return false, err
	}
	if !got.AutomaticMigrations || got.MigrationTableName != table {
		return false, fmt.Errorf("PlanetScale answered the change of the migration settings of %s without applying it (automatic_migrations %t, migration_table_name %q); "+
			"turn on \"Automatically copy migration data\" for table %s in the database's settings, then run setup-migrations again",
			scope.OrgDatabase(s), got.AutomaticMigrations, got.MigrationTableName, table)
	}
	s.Logf("automatic migrations of %s turned on for table %s (framework %s)", scope.OrgDatabase(s), table, want.MigrationFramework)
	return true, nil
}

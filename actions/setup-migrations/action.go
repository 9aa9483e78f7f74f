// Package setupmigrations is the setup-migrations action: get psflow's
// migration table into production and turn on automatic migrations for it.
package setupmigrations

import (
	"github.com/psflow/psflow/internal/branchconn"
	"github.com/psflow/psflow/internal/scope"
	"github.com/psflow/psflow/pkg/step"
)

// Action declares setup-migrations.
var Action = &step.Action{
	Name:        "setup-migrations",
	Description: "Set a database up for migrations: the migration table in production, and automatic migrations copying it.",
	Icon:        "settings",
	Inputs: scope.Inputs(
		step.Input{Name: "table", Description: "The migration table: created in production when missing, and named in the database's automatic migrations.", Default: branchconn.DefaultMigrationTable},
		step.Input{Name: "framework", Description: "The database's migration_framework setting, which the API takes as free text (the dashboard offers " +
			"Rails, Phoenix, Django, .NET, Prisma, Sequelize or another tool); it describes who writes the table.", Default: "other"},
		branchconn.TLSInput,
		branchconn.MySQLCAInput,
		step.Input{Name: "timeout", Description: "How long the whole run may take, the deploy of the table included.", Kind: step.Duration, Default: "30m"},
	),
	Outputs: []step.Output{
		{Name: "table", Description: "The migration table."},
		{Name: "changed_settings", Description: "true when this run turned on automatic migrations or changed their table."},
		{Name: "deploy_request", Description: "Number of the deploy request that brought the table into production; empty when none was needed."},
	},
	Run: run,
}

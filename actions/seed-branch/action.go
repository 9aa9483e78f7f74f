// Package seedbranch is the seed-branch action: make a branch hold the
// repository's schema, migrations and data on top of production as it is now.
package seedbranch

import (
	"github.com/psflow/psflow/internal/branchconn"
	"github.com/psflow/psflow/internal/scope"
	"github.com/psflow/psflow/pkg/step"
)

// Action declares seed-branch.
var Action = &step.Action{
	Name:        "seed-branch",
	Description: "Make a branch hold the repository's schema or migrations and its seed data, on top of production as it is now.",
	Icon:        "database",
	Inputs: scope.Inputs(
		scope.BranchInput,
		step.Input{Name: "schema", Kind: step.List, Description: "The desired schema: files, globs or directories (their *.sql files at any depth) of CREATE TABLE and CREATE VIEW statements. " +
			"The branch's schema is made equal to them: what is missing is created, what differs is rebuilt keeping the rows of the columns it keeps, what they no longer define is dropped. Not with migrations."},
		step.Input{Name: "migrations", Kind: step.List, Description: "Versioned migration files (NNN_name.sql or NNN_name.up.sql; *.down.sql are left out), applied in order of their names, each once in the database's life. " +
			"They are recorded in the database's migration table, which PlanetScale copies into new branches and in deploy requests (run setup-migrations once). Not with schema."},
		step.Input{Name: "data", Kind: step.List, Description: "Rows for the branch only (INSERT, REPLACE, UPDATE, DELETE), loaded after schema or migrations on every run into the tables they write, emptied first " +
			"(on a branch with Data Branching rows, on top of them). Deploy requests never carry rows."},
		step.Input{Name: "parallelism", Description: "Connections loading rows of different tables at once; 1 runs one statement at a time in file order.", Kind: step.Int, Default: "4"},
		step.Input{Name: "password_ttl", Description: "Lifetime of the passwords seed-branch creates: the one it loads with (deleted at the end) and the one it outputs when it recreates the branch.", Kind: step.Duration, Default: "1h"},
		branchconn.TLSInput,
		branchconn.MySQLCAInput,
		step.Input{Name: "timeout", Description: "How long the whole run may take.", Kind: step.Duration, Default: "30m"},
	),
	Outputs: append([]step.Output{
		{Name: "result", Description: "unchanged when the branch already held the schema or every migration, changed otherwise; failed when the run failed."},
		{Name: "reason", Description: "What changed, in one line; for a failed run, what it did before the failure."},
		{Name: "recreated", Description: "true when production's schema moved since the branch was created (or a migration that ran on it " +
			"changed), so the branch was recreated off production as it is now; the credential outputs below are " +
			"then new."},
		{Name: "changes", Description: "Tables and views created, rebuilt or dropped (schema), or migrations applied."},
		{Name: "dropped", Description: "Tables and views dropped, comma separated: their deploy request drops them in production."},
		{Name: "statements", Description: "Statements run from the files."},
		{Name: "rows", Description: "Rows affected."},
		{Name: "duration_s", Description: "Seconds spent."},
	}, branchconn.CredentialOutputs...),
	Run: run,
}

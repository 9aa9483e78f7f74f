package emulator

import (
	"strings"
	"unicode/utf8"
)

// migrationSettings are a database's settings of "Automatically copy
// migration data": "When turned on, PlanetScale will automatically copy
// migration table metadata from your development branches to the
// production branch as part of our deployment process"
// (planetscale.com/docs/concepts/branching, "Automatically copy migration
// data"); the spec's PATCH .../databases/{database} describes
// automatic_migrations as "Whether or not to copy migration data to new
// branches and in deploy requests".
type migrationSettings struct {
	automatic bool
	framework string // "" is null
	table     string // "" is null
}

// copyTable is the table whose rows are copied, "" when none is: the
// setting is off or names no table.
//
// Not documented: whether a framework chosen without a table name copies
// the framework's usual table. The dashboard offers "Rails, Phoenix,
// Laravel, Django, .NET, Sequelize, or Other, which allows you to specify
// a custom table name" (docs, branching), but the API values of
// migration_framework and the table each stands for are not documented.
// Rows are copied only from a table named by migration_table_name, the
// safer reading: a client that names its table works the same here and on
// PlanetScale, one that relies on a guessed default might not.
func (m migrationSettings) copyTable() string {
	if !m.automatic {
		return ""
	}
	return m.table
}

// maxIdentifier is MySQL's longest table name, in characters
// (dev.mysql.com/doc/refman/8.0/en/identifier-length.html).
const maxIdentifier = 64

// validateMigrationTable checks the migration_table_name a PATCH sets, as
// far as PlanetScale documents it. The spec types migration_framework and
// migration_table_name as plain strings and documents no values, so any
// framework is accepted; a table name must be one MySQL could create
// ("Database, table, and column names cannot end with space characters",
// dev.mysql.com/doc/refman/8.0/en/identifiers.html). An empty string
// clears either (null), which is not documented either.
func (req databaseSettingsRequest) validateMigrationTable() error {
	if req.MigrationTableName == nil || *req.MigrationTableName == "" {
		return nil
	}
	name := *req.MigrationTableName
	switch {
	case utf8.RuneCountInString(name) > maxIdentifier:
		return unprocessable("invalid migration_table_name %q: a table name has at most %d characters", name, maxIdentifier)
	case !utf8.ValidString(name), strings.ContainsRune(name, 0), strings.HasSuffix(name, " "):
		return unprocessable("invalid migration_table_name %q: not a valid MySQL table name", name)
	}
	return nil
}

// nullable is s, or nil when it is empty.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

package branchconn

// DefaultMigrationTable is the migration table setup-migrations
// configures when none is named.
const DefaultMigrationTable = "schema_migrations"

// MigrationTableDDL creates psflow's migration table under name: one row per
// applied migration file (docs/design/actions-branch-passwords.md).
func MigrationTableDDL(name string) string {
	return "CREATE TABLE IF NOT EXISTS " + QuoteName(name) + " (" +
		"`version` VARCHAR(255) NOT NULL, " +
		"`checksum` CHAR(64) NOT NULL DEFAULT '', " +
		"`applied_at` DATETIME(6) NOT NULL, " +
		"PRIMARY KEY (`version`))"
}

// QuoteName quotes a MySQL identifier with backticks.
func QuoteName(name string) string {
	out := make([]byte, 0, len(name)+2)
	out = append(out, '`')
	for i := 0; i < len(name); i++ {
		if name[i] == '`' {
			out = append(out, '`')
		}
		out = append(out, name[i])
	}
	return string(append(out, '`'))
}

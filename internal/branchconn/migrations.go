package branchconn

// DefaultMigrationTable is the migration table setup-migrations
// configures when none is named.
const DefaultMigrationTable = "schema_migrations"

// MigrationTableDDL creates psflow's migration table under name: one row
// per migration file applied, by version (the file name without .sql or
// .up.sql), with the sha256 of its content ("" while it runs) and when it
// was applied, in UTC. PlanetScale copies its rows into new branches and
// in deploy requests when the database's automatic migrations name it. It
// is valid on MySQL, MariaDB, Vitess and go-mysql-server.
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

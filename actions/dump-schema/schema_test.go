package dumpschema

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/psflow/psflow/pkg/planetscale"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

func TestStripAutoIncrement(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"CREATE TABLE `t` (\n  `id` int NOT NULL AUTO_INCREMENT,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB AUTO_INCREMENT=42 DEFAULT CHARSET=utf8mb4",
			"CREATE TABLE `t` (\n  `id` int NOT NULL AUTO_INCREMENT,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"},
		{"CREATE TABLE `t` (`id` int) AUTO_INCREMENT=3", "CREATE TABLE `t` (`id` int)"},
		{"CREATE TABLE `t` (`c` varchar(9) DEFAULT ' AUTO_INCREMENT=1') COMMENT='x AUTO_INCREMENT=2 \\' AUTO_INCREMENT=3' AUTO_INCREMENT=4",
			"CREATE TABLE `t` (`c` varchar(9) DEFAULT ' AUTO_INCREMENT=1') COMMENT='x AUTO_INCREMENT=2 \\' AUTO_INCREMENT=3'"},
		{"CREATE TABLE ` AUTO_INCREMENT=5` (`id` int)", "CREATE TABLE ` AUTO_INCREMENT=5` (`id` int)"},
		{"CREATE TABLE `t` (`id` int) ENGINE=InnoDB", "CREATE TABLE `t` (`id` int) ENGINE=InnoDB"},
	} {
		assert.Check(t, is.Equal(stripAutoIncrement(c.in), c.want))
	}
}

func TestObjects(t *testing.T) {
	schema := []*planetscale.SchemaFile{
		{Name: "v", Raw: "CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`%` SQL SECURITY DEFINER VIEW `v` AS select 1 AS `1`"},
		{Name: "t", Raw: "CREATE TABLE `t` (`id` int NOT NULL AUTO_INCREMENT) AUTO_INCREMENT=9;\n"},
		{Name: "w", Raw: "CREATE VIEW `w` AS select 2"},
		{Name: "schema_migrations", Raw: "CREATE TABLE `schema_migrations` (`version` varchar(255))"},
	}
	objs, skipped, err := objects(schema, map[string]string{"schema_migrations": "the migration table"})
	assert.NilError(t, err)
	assert.Check(t, is.DeepEqual(objs, []object{
		{Name: "t", SQL: "CREATE TABLE `t` (`id` int NOT NULL AUTO_INCREMENT);\n"},
		{Name: "v", View: true, SQL: "CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`%` SQL SECURITY DEFINER VIEW `v` AS select 1 AS `1`;\n"},
		{Name: "w", View: true, SQL: "CREATE VIEW `w` AS select 2;\n"},
	}))
	assert.Check(t, is.DeepEqual(skipped, []left{{"schema_migrations", "the migration table"}}, cmp.AllowUnexported(left{})))
}

func TestObjectsRefusesWhatCannotBeAFile(t *testing.T) {
	for _, c := range []struct {
		schema []*planetscale.SchemaFile
		err    string
	}{
		{[]*planetscale.SchemaFile{{Name: "a/b", Raw: "CREATE TABLE `a/b` (id int)"}}, `table or view "a/b" cannot name a file; rename it`},
		{[]*planetscale.SchemaFile{{Name: "..", Raw: "CREATE TABLE `..` (id int)"}}, `table or view ".." cannot name a file; rename it`},
		{[]*planetscale.SchemaFile{{Name: "Users", Raw: "CREATE TABLE `Users` (id int)"}, {Name: "users", Raw: "CREATE TABLE `users` (id int)"}},
			"tables Users and users differ only in case, so their files would collide on a case-insensitive file system"},
		{[]*planetscale.SchemaFile{{Name: "p", Raw: "CREATE PROCEDURE p() SELECT 1"}}, `the schema of p is neither a CREATE TABLE nor a CREATE VIEW statement: "CREATE PROCEDURE p() SELECT 1"`},
	} {
		_, _, err := objects(c.schema, nil)
		assert.Check(t, is.Error(err, c.err))
	}
}

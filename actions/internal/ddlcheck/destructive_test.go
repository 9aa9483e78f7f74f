package ddlcheck

import (
	"testing"

	"github.com/psflow/psflow/pkg/planetscale"
	"gotest.tools/v3/assert"
)

// baseUsers is the into branch's users table as MariaDB prints it.
const baseUsers = "CREATE TABLE `users` (\n" +
	"  `id` bigint(20) NOT NULL AUTO_INCREMENT,\n" +
	"  `name` varchar(255) NOT NULL,\n" +
	"  `age` int(11) DEFAULT NULL,\n" +
	"  `score` int unsigned NOT NULL,\n" +
	"  `price` decimal(10,2) NOT NULL,\n" +
	"  `status` enum('active','disabled') NOT NULL DEFAULT 'active',\n" +
	"  `note` text,\n" +
	"  `seen` datetime(3) DEFAULT NULL,\n" +
	"  PRIMARY KEY (`id`),\n" +
	"  KEY `users_name` (`name`)\n" +
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"

func base(name string) string {
	if name == "users" {
		return baseUsers
	}
	return ""
}

func TestDestructive(t *testing.T) {
	t.Parallel()
	cases := []struct {
		ddl  string
		drop bool // the API's can_drop_data
		want []string
	}{
		{"CREATE TABLE `posts` (`id` int NOT NULL, PRIMARY KEY (`id`))", false, nil},
		{"DROP TABLE `posts`", true, []string{"drops table `posts`"}},
		{"drop table if exists a, `b c`;", false, []string{"drops table `a`", "drops table `b c`"}},
		{"ALTER TABLE `users` DROP COLUMN `note`", true, []string{"drops column `users`.`note`"}},
		{"ALTER TABLE users DROP note, ADD COLUMN x int", false, []string{"drops column `users`.`note`"}},
		{"ALTER TABLE `users` DROP KEY `users_name`", false, []string{"drops index `users_name` of `users`"}},
		{"ALTER TABLE `users` DROP INDEX users_name, DROP PRIMARY KEY", false, []string{"drops index `users_name` of `users`", "drops the primary key of `users`"}},
		{"ALTER TABLE `users` DROP FOREIGN KEY `fk`, DROP CHECK `c`", false, nil},
		{"ALTER TABLE `users` ADD KEY `users_age` (`age`)", false, nil},
		{"ALTER TABLE `users` MODIFY COLUMN `name` varchar(50) NOT NULL", false, []string{"narrows column `users`.`name` from varchar(255) to varchar(50)"}},
		{"ALTER TABLE `users` MODIFY COLUMN `name` varchar(500) NOT NULL", false, nil},
		{"ALTER TABLE `users` MODIFY `name` text", false, nil},
		{"ALTER TABLE `users` CHANGE COLUMN `note` `memo` varchar(100)", false, []string{"narrows column `users`.`note` from text to varchar(100)"}},
		{"ALTER TABLE `users` MODIFY COLUMN `age` bigint", false, nil},
		{"ALTER TABLE `users` MODIFY COLUMN `age` smallint", false, []string{"narrows column `users`.`age` from int(11) to smallint"}},
		{"ALTER TABLE `users` MODIFY COLUMN `age` int unsigned", false, []string{"narrows column `users`.`age` from int(11) to int unsigned"}},
		{"ALTER TABLE `users` MODIFY COLUMN `score` bigint", false, nil},
		{"ALTER TABLE `users` MODIFY COLUMN `score` int", false, []string{"narrows column `users`.`score` from int unsigned to int"}},
		{"ALTER TABLE `users` MODIFY COLUMN `price` decimal(12,2) NOT NULL", false, nil},
		{"ALTER TABLE `users` MODIFY COLUMN `price` decimal(10,1) NOT NULL", false, []string{"narrows column `users`.`price` from decimal(10,2) to decimal(10,1)"}},
		{"ALTER TABLE `users` MODIFY COLUMN `status` enum('active', 'disabled', 'banned') NOT NULL", false, nil},
		{"ALTER TABLE `users` MODIFY COLUMN `status` enum('active') NOT NULL", false, []string{"narrows column `users`.`status` from enum('active','disabled') to enum('active')"}},
		{"ALTER TABLE `users` MODIFY COLUMN `seen` datetime(6)", false, nil},
		{"ALTER TABLE `users` MODIFY COLUMN `seen` date", false, []string{"narrows column `users`.`seen` from datetime(3) to date"}},
		{"ALTER TABLE `users` MODIFY COLUMN `name` int", false, []string{"changes the type of column `users`.`name` from varchar(255) to int"}},
		{"ALTER TABLE `users` MODIFY COLUMN `missing` int", false, nil},
		{"ALTER TABLE `other` MODIFY COLUMN `x` tinyint", true, []string{"PlanetScale marks the alter of `other` as able to drop data"}},
		{"CREATE OR REPLACE VIEW `v` AS SELECT 1", false, nil},
	}
	for _, tc := range cases {
		t.Run(tc.ddl, func(t *testing.T) {
			t.Parallel()
			ops := []planetscale.Operation{{Table: tableOf(tc.ddl), Name: "alter", DDL: tc.ddl, CanDropData: tc.drop}}
			assert.DeepEqual(t, Destructive(ops, base), tc.want)
		})
	}
}

func tableOf(ddl string) string {
	if m := alterRE.FindStringSubmatch(ddl); m != nil {
		return unquote(m[1])
	}
	return ""
}

func TestDestructiveWithoutBase(t *testing.T) {
	t.Parallel()
	ops := []planetscale.Operation{
		{Table: "users", Name: "alter", DDL: "ALTER TABLE `users` MODIFY COLUMN `name` varchar(50)"},
		{Table: "users", Name: "alter", DDL: "ALTER TABLE `users` MODIFY COLUMN `age` tinyint", CanDropData: true},
	}
	assert.Assert(t, NeedsBase(ops))
	assert.DeepEqual(t, Destructive(ops, nil), []string{"PlanetScale marks the alter of `users` as able to drop data"})
	assert.Assert(t, !NeedsBase([]planetscale.Operation{{DDL: "ALTER TABLE `users` DROP COLUMN `changed`"}}))
}

func TestStatements(t *testing.T) {
	t.Parallel()
	ops := []planetscale.Operation{{DDL: "DROP TABLE `a`;"}, {DDL: "  "}, {DDL: "CREATE TABLE `b` (`id` int);\n"}}
	assert.DeepEqual(t, Statements(ops), []string{"DROP TABLE `a`", "CREATE TABLE `b` (`id` int)"})
}

package ddl

import (
	"testing"

	"gotest.tools/v3/assert"
)

func table(cols, opts string) string {
	return "CREATE TABLE `t` (\n  `id` int(11) NOT NULL,\n" + cols + ",\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB " + opts
}

const utf8mb4Opts = "DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"

// TestNormalizeEquivalent checks that each server spelling diffs to nothing
// against MySQL's canonical spelling of the same definition, both ways.
func TestNormalizeEquivalent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		server, want string
	}{
		{"int display width", table("  `a` int(11) DEFAULT NULL", utf8mb4Opts), table("  `a` int", utf8mb4Opts)},
		{"current_timestamp()",
			table("  `ts` timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp()", utf8mb4Opts),
			table("  `ts` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP", utf8mb4Opts)},
		{"DEFAULT NULL", table("  `b` text DEFAULT NULL", utf8mb4Opts), table("  `b` text", utf8mb4Opts)},
		{"CHARSET= and DEFAULT CHARSET=",
			table("  `c` varchar(10)", "CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"),
			table("  `c` varchar(10)", "DEFAULT CHARSET utf8mb4 COLLATE utf8mb4_general_ci")},
		{"AUTO_INCREMENT counter", table("  `n` int", "AUTO_INCREMENT=42 "+utf8mb4Opts), table("  `n` int", utf8mb4Opts)},
		{"versioned comment",
			table("  `n` int", utf8mb4Opts+"\n/*!50100 PARTITION BY HASH (`id`)\nPARTITIONS 2 */"),
			table("  `n` int", utf8mb4Opts+" PARTITION BY HASH (`id`) PARTITIONS 2")},
		{"numeric default", table("  `n` int(11) NOT NULL DEFAULT 0", utf8mb4Opts), table("  `n` int NOT NULL DEFAULT '0'", utf8mb4Opts)},
		{"negative default", table("  `n` double DEFAULT -1.5", utf8mb4Opts), table("  `n` double DEFAULT '-1.5'", utf8mb4Opts)},
		{"decimal default without scale",
			table("  `d` decimal(10,2) NOT NULL DEFAULT 0.00", utf8mb4Opts),
			table("  `d` decimal(10,2) NOT NULL DEFAULT '0'", utf8mb4Opts)},
		{"enum default as ordinal",
			table("  `e` enum('a','b') NOT NULL DEFAULT '2'", utf8mb4Opts),
			table("  `e` enum('a','b') NOT NULL DEFAULT 'b'", utf8mb4Opts)},
		{"MariaDB JSON alias",
			table("  `j` longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL CHECK (json_valid(`j`))", utf8mb4Opts),
			table("  `j` json", utf8mb4Opts)},
		{"bare function default",
			table("  `u` varchar(36) DEFAULT uuid()", utf8mb4Opts),
			table("  `u` varchar(36) DEFAULT (uuid())", utf8mb4Opts)},
		{"check constraint names",
			table("  `n` int,\n  CONSTRAINT `CONSTRAINT_1` CHECK (`n` > 0)", utf8mb4Opts),
			table("  `n` int,\n  CONSTRAINT `t_chk_1` CHECK ((`n` > 0))", utf8mb4Opts)},
		{"boolean", table("  `f` tinyint(1) NOT NULL DEFAULT 0", utf8mb4Opts), table("  `f` boolean NOT NULL DEFAULT false", utf8mb4Opts)},
		{"schema-qualified table",
			"CREATE TABLE `app`.`t` (`id` int NOT NULL, PRIMARY KEY (`id`)) " + utf8mb4Opts,
			"CREATE TABLE `t` (`id` int NOT NULL, PRIMARY KEY (`id`)) " + utf8mb4Opts},
		{"trailing semicolon", table("  `n` int", utf8mb4Opts) + ";\n", table("  `n` int", utf8mb4Opts)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, pair := range [][2]string{{tc.server, tc.want}, {tc.want, tc.server}} {
				plan, err := Diff([]string{pair[0]}, []string{pair[1]})
				assert.NilError(t, err)
				assert.Assert(t, plan.Empty(), "unexpected changes: %v", plan.Statements())
			}
		})
	}
}

// TestNormalizeViews checks MariaDB's view spelling against a plain one.
func TestNormalizeViews(t *testing.T) {
	t.Parallel()
	base := table("  `n` int", utf8mb4Opts)
	mariadb := "CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`%` SQL SECURITY DEFINER VIEW `app_1`.`v` AS " +
		"select `app_1`.`t`.`id` AS `id`,`app_1`.`t`.`n` AS `n` from `app_1`.`t` where `app_1`.`t`.`n` > 0"
	plain := "CREATE VIEW `v` AS select `t`.`id` AS `id`, `t`.`n` AS `n` from `t` where `t`.`n` > 0"
	plan, err := Diff([]string{base, mariadb}, []string{base, plain})
	assert.NilError(t, err)
	assert.Assert(t, plan.Empty(), "unexpected changes: %v", plan.Statements())

	invoker := "CREATE SQL SECURITY INVOKER VIEW `v` AS select `t`.`id` AS `id`, `t`.`n` AS `n` from `t` where `t`.`n` > 0"
	plan, err = Diff([]string{base, mariadb}, []string{base, invoker})
	assert.NilError(t, err)
	assert.Equal(t, len(plan.Changes), 1, "SQL SECURITY INVOKER is a real change")
}

// TestNormalizeKeepsRealDifferences guards against normalising too much.
func TestNormalizeKeepsRealDifferences(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		from, to  string
		statement string
	}{
		{"default value", table("  `n` int NOT NULL DEFAULT 0", utf8mb4Opts), table("  `n` int NOT NULL DEFAULT 1", utf8mb4Opts),
			"ALTER TABLE `t` MODIFY COLUMN `n` int NOT NULL DEFAULT '1'"},
		{"enum whose values are numbers", table("  `e` enum('1','2') NOT NULL DEFAULT '2'", utf8mb4Opts),
			table("  `e` enum('1','2') NOT NULL DEFAULT '1'", utf8mb4Opts),
			"ALTER TABLE `t` MODIFY COLUMN `e` enum('1', '2') NOT NULL DEFAULT '1'"},
		{"longtext is not json without the check", table("  `j` longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", utf8mb4Opts),
			table("  `j` json", utf8mb4Opts), "ALTER TABLE `t` MODIFY COLUMN `j` json"},
		{"decimal scale", table("  `d` decimal(10,2) DEFAULT 1.5", utf8mb4Opts), table("  `d` decimal(10,2) DEFAULT 1.25", utf8mb4Opts),
			"ALTER TABLE `t` MODIFY COLUMN `d` decimal(10,2) DEFAULT '1.25'"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			plan, err := Diff([]string{tc.from}, []string{tc.to})
			assert.NilError(t, err)
			assert.DeepEqual(t, plan.Statements(), []string{tc.statement})
		})
	}
}

func TestParenthesizeDefaults(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"`u` varchar(36) DEFAULT uuid(),", "`u` varchar(36) DEFAULT (uuid()),"},
		{"`c` varchar(9) DEFAULT concat('a(', `x`, ')'),", "`c` varchar(9) DEFAULT (concat('a(', `x`, ')')),"},
		{"`d` date default curdate()", "`d` date default (curdate())"},
		{"`t` datetime DEFAULT current_timestamp() ON UPDATE current_timestamp()", "`t` datetime DEFAULT current_timestamp() ON UPDATE current_timestamp()"},
		{"`t` datetime(3) DEFAULT now(3)", "`t` datetime(3) DEFAULT now(3)"},
		{"`x` int DEFAULT (1 + 1)", "`x` int DEFAULT (1 + 1)"},
		{"`s` varchar(9) DEFAULT 'DEFAULT f()'", "`s` varchar(9) DEFAULT 'DEFAULT f()'"},
		{"`s` varchar(9) DEFAULT 'it''s DEFAULT f()'", "`s` varchar(9) DEFAULT 'it''s DEFAULT f()'"},
		{"`default` int, `nodefault` int", "`default` int, `nodefault` int"},
		{"`b` bit(3) DEFAULT b'101'", "`b` bit(3) DEFAULT b'101'"},
		{"`u` varchar(9) DEFAULT f(", "`u` varchar(9) DEFAULT f("},
		{") DEFAULT CHARSET=utf8mb4", ") DEFAULT CHARSET=utf8mb4"},
	}
	for _, tc := range tests {
		assert.Equal(t, parenthesizeDefaults(tc.in), tc.want, tc.in)
	}
}

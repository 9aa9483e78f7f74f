package ddl

import (
	"fmt"
	"strings"
	"testing"
)

// benchSchema returns n MariaDB-formatted tables and a view.
func benchSchema(n int) []string {
	out := make([]string, 0, n+1)
	for i := 1; i <= n; i++ {
		out = append(out, fmt.Sprintf("CREATE TABLE `t%02d` (\n"+
			"  `id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,\n"+
			"  `account_id` bigint(20) unsigned NOT NULL,\n"+
			"  `name` varchar(100) NOT NULL DEFAULT '',\n"+
			"  `state` enum('new','active','closed') NOT NULL DEFAULT 'new',\n"+
			"  `amount` decimal(12,2) NOT NULL DEFAULT 0.00,\n"+
			"  `notes` text DEFAULT NULL,\n"+
			"  `created_at` timestamp NOT NULL DEFAULT current_timestamp(),\n"+
			"  `updated_at` datetime DEFAULT current_timestamp() ON UPDATE current_timestamp(),\n"+
			"  PRIMARY KEY (`id`),\n"+
			"  KEY `t%02d_account` (`account_id`),\n"+
			"  KEY `t%02d_state_created` (`state`,`created_at`)\n"+
			") ENGINE=InnoDB AUTO_INCREMENT=%d DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci", i, i, i, 100+i))
	}
	out = append(out, "CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`localhost` SQL SECURITY DEFINER VIEW `open_t01` AS "+
		"select `t01`.`id` AS `id`,`t01`.`name` AS `name` from `t01` where `t01`.`state` <> 'closed'")
	return out
}

// benchBranch applies five changes to benchSchema(50): a column added, an
// index dropped, a column widened, a table added and a table dropped.
func benchBranch() []string {
	s := benchSchema(50)
	s[0] = strings.Replace(s[0], "  `notes` text", "  `email` varchar(255) DEFAULT NULL,\n  `notes` text", 1)
	s[1] = strings.Replace(s[1], ",\n  KEY `t02_state_created` (`state`,`created_at`)", "", 1)
	s[2] = strings.Replace(s[2], "`name` varchar(100)", "`name` varchar(200)", 1)
	s[49] = "CREATE TABLE `t51` (\n  `id` int(11) NOT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"
	return s
}

func TestBenchSchemaPlan(t *testing.T) {
	t.Parallel()
	plan, err := Diff(benchSchema(50), benchBranch())
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Changes) != 5 {
		t.Fatalf("want 5 changes, got %q", plan.Statements())
	}
}

// BenchmarkDiff50Tables diffs a 50-table schema against a branch with 5
// changes.
func BenchmarkDiff50Tables(b *testing.B) {
	base, branch := benchSchema(50), benchBranch()
	for b.Loop() {
		if _, err := Diff(base, branch); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDiff50TablesIdentical diffs a 50-table schema against itself.
func BenchmarkDiff50TablesIdentical(b *testing.B) {
	base := benchSchema(50)
	for b.Loop() {
		if _, err := Diff(base, base); err != nil {
			b.Fatal(err)
		}
	}
}

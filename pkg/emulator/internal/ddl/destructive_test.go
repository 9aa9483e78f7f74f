package ddl

import (
	"testing"

	"gotest.tools/v3/assert"
)

// TestDestructive classifies single ALTER TABLE changes.
func TestDestructive(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		from, to    string // column definitions of `c`, or whole extra lines
		destructive bool
	}{
		{"decimal widened", "`c` decimal(10,2)", "`c` decimal(12,3)", false},
		{"decimal integer digits cut", "`c` decimal(10,2)", "`c` decimal(9,2)", true},
		{"decimal scale cut", "`c` decimal(10,2)", "`c` decimal(10,1)", true},
		{"int to decimal with room", "`c` int", "`c` decimal(12,0)", false},
		{"int to small decimal", "`c` int", "`c` decimal(5,0)", true},
		{"float to double", "`c` float", "`c` double", false},
		{"double to float", "`c` double", "`c` float", true},
		{"tinyint to smallint", "`c` tinyint", "`c` smallint", false},
		{"char to longer varchar", "`c` char(10)", "`c` varchar(20)", false},
		{"varchar to text", "`c` varchar(255)", "`c` text", false},
		{"varchar to tinytext", "`c` varchar(100)", "`c` tinytext", true},
		{"text to varchar", "`c` text", "`c` varchar(1000)", true},
		{"text to mediumtext", "`c` text", "`c` mediumtext", false},
		{"longtext to mediumtext", "`c` longtext", "`c` mediumtext", true},
		{"varbinary widened", "`c` varbinary(10)", "`c` varbinary(20)", false},
		{"blob to tinyblob", "`c` blob", "`c` tinyblob", true},
		{"varchar to varbinary", "`c` varchar(10)", "`c` varbinary(40)", true},
		{"int to varchar", "`c` int", "`c` varchar(20)", true},
		{"datetime fractional seconds cut", "`c` datetime(6)", "`c` datetime", true},
		{"datetime fractional seconds added", "`c` datetime", "`c` datetime(3)", false},
		{"date to datetime", "`c` date", "`c` datetime", false},
		{"datetime to date", "`c` datetime", "`c` date", true},
		{"timestamp to datetime", "`c` timestamp NULL", "`c` datetime", false},
		{"datetime to timestamp", "`c` datetime", "`c` timestamp NULL", true},
		{"set value removed", "`c` set('a','b')", "`c` set('a')", true},
		{"set value added", "`c` set('a','b')", "`c` set('a','b','c')", false},
		{"enum to wide varchar", "`c` enum('small','large')", "`c` varchar(5)", false},
		{"enum to narrow varchar", "`c` enum('small','large')", "`c` varchar(4)", true},
		{"latin1 to utf8mb4", "`c` varchar(10) CHARACTER SET latin1", "`c` varchar(10)", false},
		{"utf8mb4 to latin1", "`c` varchar(10)", "`c` varchar(10) CHARACTER SET latin1", true},
		{"collation only", "`c` varchar(10)", "`c` varchar(10) COLLATE utf8mb4_bin", false},
		{"default changed", "`c` int DEFAULT 1", "`c` int DEFAULT 2", false},
		{"comment changed", "`c` int", "`c` int COMMENT 'x'", false},
		{"json made NOT NULL", "`c` json", "`c` json NOT NULL", true},
		{"check constraint dropped", "`c` int,\n  CONSTRAINT `chk` CHECK (`c` > 0)", "`c` int", false},
		{"unique key added", "`c` int", "`c` int,\n  UNIQUE KEY `c` (`c`)", false},
		{"unique key on a NOT NULL column", "`c` int NOT NULL", "`c` int NOT NULL,\n  UNIQUE KEY `c` (`c`)", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			plan, err := Diff([]string{table(tc.from, utf8mb4Opts)}, []string{table(tc.to, utf8mb4Opts)})
			assert.NilError(t, err)
			assert.Equal(t, len(plan.Changes), 1, "%v", plan.Statements())
			assert.Equal(t, plan.Changes[0].Kind, KindAlter)
			assert.Equal(t, plan.Changes[0].Destructive, tc.destructive, plan.Changes[0].Statement)
		})
	}
}

// TestDestructiveKeys covers dropping keys and constraints.
func TestDestructiveKeys(t *testing.T) {
	t.Parallel()
	parent := "CREATE TABLE `p` (`id` int NOT NULL, PRIMARY KEY (`id`))"
	child := func(extra string) string {
		return "CREATE TABLE `c` (`id` int NOT NULL, `p` int NOT NULL, `n` int NOT NULL" + extra + ")"
	}
	tests := []struct {
		name        string
		from, to    string
		destructive bool
	}{
		{"primary key dropped", child(", PRIMARY KEY (`id`)"), child(""), true},
		{"primary key moved", child(", PRIMARY KEY (`id`)"), child(", PRIMARY KEY (`n`)"), true},
		{"foreign key dropped", child(", PRIMARY KEY (`id`), KEY `cp` (`p`), CONSTRAINT `fk` FOREIGN KEY (`p`) REFERENCES `p` (`id`)"),
			child(", PRIMARY KEY (`id`), KEY `cp` (`p`)"), false},
		{"foreign key added", child(", PRIMARY KEY (`id`), KEY `cp` (`p`)"),
			child(", PRIMARY KEY (`id`), KEY `cp` (`p`), CONSTRAINT `fk` FOREIGN KEY (`p`) REFERENCES `p` (`id`)"), false},
		{"column renamed", child(", PRIMARY KEY (`id`)"), "CREATE TABLE `c` (`id` int NOT NULL, `p` int NOT NULL, `m` int NOT NULL, PRIMARY KEY (`id`))", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			plan, err := Diff([]string{parent, tc.from}, []string{parent, tc.to})
			assert.NilError(t, err)
			assert.Assert(t, !plan.Empty())
			assert.Equal(t, plan.Destructive(), tc.destructive, "%v", plan.Statements())
		})
	}
}

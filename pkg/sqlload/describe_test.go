package sqlload

import (
	"errors"
	"testing"

	"github.com/go-sql-driver/mysql"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// The messages below are the servers' own, as the driver gives them.
func TestStatementErrorNamesTheLine(t *testing.T) {
	t.Parallel()
	create := "CREATE TABLE t (\n  id INT NOT NULL PRIMARY KEY,\n  a INT,, x INT\n)"
	insert := "INSERT INTO t (id, secret)\nVALUES (1, 'plain'),\n (2, 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI' 3)"
	tests := []struct {
		name string
		st   Statement
		err  error
		want string
		line int
	}{
		{
			name: "mariadb",
			st:   Statement{Text: create, Line: 4},
			err: &mysql.MySQLError{Number: 1064, SQLState: [5]byte([]byte("42000")), Message: "You have an error in your SQL syntax; " +
				"check the manual that corresponds to your MariaDB server version for the right syntax to use near ' x INT\n)' at line 3"},
			want: "db/001_schema.sql:6: Error 1064 (42000): You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server " +
				"version for the right syntax to use near 'x INT )' (statement from line 4: CREATE TABLE t ( id INT NOT NULL PRIMARY KEY, a INT,, x INT ))",
			line: 6,
		},
		{
			name: "mariadb near a literal",
			st:   Statement{Text: insert, Line: 10},
			err: &mysql.MySQLError{Number: 1064, SQLState: [5]byte([]byte("42000")), Message: "You have an error in your SQL syntax; " +
				"check the manual that corresponds to your MariaDB server version for the right syntax to use near '3)' at line 3"},
			want: "db/001_schema.sql:12: Error 1064 (42000): You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server " +
				"version for the right syntax to use near '3)' (statement from line 10: INSERT INTO t (id, secret) VALUES (1, '…'), (2, '…' 3))",
			line: 12,
		},
		{
			name: "mysql near a literal",
			st:   Statement{Text: "INSERT INTO t VALUES\n(1 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI', 'x')", Line: 1},
			err: &mysql.MySQLError{Number: 1064, SQLState: [5]byte([]byte("42000")), Message: "You have an error in your SQL syntax; " +
				"check the manual that corresponds to your MySQL server version for the right syntax to use near ''AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI', 'x')' at line 2"},
			want: "db/001_schema.sql:2: Error 1064 (42000): You have an error in your SQL syntax; check the manual that corresponds to your MySQL server " +
				"version for the right syntax to use near ''…', '…')' (statement from line 1: INSERT INTO t VALUES (1 '…', '…'))",
			line: 2,
		},
		{
			name: "go-mysql-server",
			st:   Statement{Text: create, Line: 4},
			err:  &mysql.MySQLError{Number: 1105, SQLState: [5]byte([]byte("HY000")), Message: "syntax error at position 58 near 'INT'"},
			want: "db/001_schema.sql:6: Error 1105 (HY000): syntax error at position 58 near 'INT' (statement from line 4: CREATE TABLE t ( id INT NOT NULL PRIMARY KEY, a INT,, x INT ))",
			line: 6,
		},
		{
			name: "go-mysql-server near a string token",
			st:   Statement{Text: insert, Line: 1},
			err:  &mysql.MySQLError{Number: 1105, SQLState: [5]byte([]byte("HY000")), Message: "syntax error at position 80 near 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI'"},
			want: "db/001_schema.sql:3: Error 1105 (HY000): syntax error at position 80 near '…' (statement from line 1: INSERT INTO t (id, secret) VALUES (1, '…'), (2, '…' 3))",
			line: 3,
		},
		{
			name: "a value from a literal",
			st:   Statement{Text: "INSERT INTO t VALUES ('wJalrXUtnFEMI', 1)", Line: 7},
			err:  &mysql.MySQLError{Number: 1062, SQLState: [5]byte([]byte("23000")), Message: "Duplicate entry 'wJalrXUtnFEMI-1' for key 'PRIMARY'"},
			want: "db/001_schema.sql:7: Error 1062 (23000): Duplicate entry '…-1' for key 'PRIMARY' (statement: INSERT INTO t VALUES ('…', 1))",
			line: 7,
		},
		{
			name: "a long value from a literal, shortened",
			st:   Statement{Text: "INSERT INTO t VALUES ('wJalrXUtnFEMI/K7MDENG')", Line: 7},
			err:  &mysql.MySQLError{Number: 1062, SQLState: [5]byte([]byte("23000")), Message: "Duplicate entry 'wJalrXUtnFEMI/K7' for key 'PRIMARY'"},
			want: "db/001_schema.sql:7: Error 1062 (23000): Duplicate entry '…' for key 'PRIMARY' (statement: INSERT INTO t VALUES ('…'))",
			line: 7,
		},
		{
			name: "go-mysql-server's key",
			st:   Statement{Text: "INSERT INTO t VALUES ('wJalrXUtnFEMI/K7MDENG')", Line: 7},
			err:  &mysql.MySQLError{Number: 1062, SQLState: [5]byte([]byte("HY000")), Message: "duplicate primary key given: [wJalrXUtnFEMI/K7MDENG]"},
			want: "db/001_schema.sql:7: Error 1062 (HY000): duplicate primary key given: […] (statement: INSERT INTO t VALUES ('…'))",
			line: 7,
		},
		{
			name: "no place in the statement",
			st:   Statement{Text: "CREATE VIEW v AS SELECT nope FROM t", Line: 2},
			err:  &mysql.MySQLError{Number: 1054, SQLState: [5]byte([]byte("42S22")), Message: "Unknown column 'nope' in 'field list'"},
			want: "db/001_schema.sql:2: Error 1054 (42S22): Unknown column 'nope' in 'field list' (statement: CREATE VIEW v AS SELECT nope FROM t)",
			line: 2,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := NewStatementError("db/001_schema.sql", tc.st, tc.err)
			assert.Check(t, is.Equal(err.Error(), tc.want))
			assert.Check(t, is.Equal(err.Line, tc.line))
			assert.Check(t, is.Equal(err.StatementLine, tc.st.Line))
			var me *mysql.MySQLError
			assert.Check(t, errors.As(err, &me), "the driver's error is still there")
		})
	}
}

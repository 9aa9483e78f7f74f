package sqlload

import (
	"testing"

	"gotest.tools/v3/assert"
)

func TestDefines(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		sql         string
		kind, name  string
		at          string // the text at NameAt
		constraints []string
		fk, derived bool
	}{
		{sql: "CREATE TABLE rooms (id bigint PRIMARY KEY)", kind: "table", name: "rooms", at: "rooms"},
		{sql: "create table if not exists `my``t` (id int)", kind: "table", name: "my`t", at: "`my``t`"},
		{sql: "CREATE TABLE app.t(id int)", kind: "table", name: "app.t", at: "app.t"},
		{sql: "/*!40101 CREATE */ TABLE `t` (a int, CONSTRAINT `fk_a` FOREIGN KEY (a) REFERENCES p (id), CONSTRAINT chk CHECK (a > 0))",
			kind: "table", name: "t", at: "`t`", constraints: []string{"`fk_a`", "chk"}, fk: true},
		{sql: "CREATE TABLE t (a int, CONSTRAINT PRIMARY KEY (a), FOREIGN KEY (a) REFERENCES p(id))", kind: "table", name: "t", at: "t", fk: true},
		{sql: "CREATE TABLE t AS SELECT 1", kind: "table", name: "t", at: "t", derived: true},
		{sql: "CREATE TABLE t LIKE u", kind: "table", name: "t", at: "t", derived: true},
		{sql: "CREATE OR REPLACE ALGORITHM=MERGE DEFINER=`a`@`%` SQL SECURITY INVOKER VIEW v AS SELECT 1", kind: "view", name: "v", at: "v"},
		{sql: "CREATE VIEW `v` (a) AS SELECT 1", kind: "view", name: "v", at: "`v`"},
		{sql: "CREATE DEFINER=CURRENT_USER TRIGGER trg BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1", kind: "trigger", name: "trg", at: "trg"},
		{sql: "CREATE PROCEDURE p() BEGIN SELECT 1; END", kind: "procedure", name: "p", at: "p"},
		{sql: "CREATE FUNCTION f() RETURNS int RETURN 1", kind: "function", name: "f", at: "f"},
		{sql: "CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO DELETE FROM t", kind: "event", name: "e", at: "e"},
		{sql: "CREATE INDEX i ON t (a)"},
		{sql: "CREATE DATABASE d"},
		{sql: "ALTER TABLE t ADD COLUMN b int"},
		{sql: "INSERT INTO t VALUES (1)"},
	} {
		o := Defines(tc.sql)
		assert.Equal(t, o.Kind, tc.kind, tc.sql)
		assert.Equal(t, o.Name, tc.name, tc.sql)
		if tc.kind == "" {
			continue
		}
		assert.Equal(t, tc.sql[o.NameAt[0]:o.NameAt[1]], tc.at, tc.sql)
		var got []string
		for _, c := range o.Constraints {
			got = append(got, tc.sql[c[0]:c[1]])
		}
		assert.DeepEqual(t, got, tc.constraints)
		assert.Equal(t, o.ForeignKeys, tc.fk, tc.sql)
		assert.Equal(t, o.Derived, tc.derived, tc.sql)
	}
}

// Classify is the loader's classification of a statement.
func TestClassifyExported(t *testing.T) {
	t.Parallel()
	assert.Equal(t, Classify("ALTER TABLE t ADD b int"), Schema)
	assert.Equal(t, Classify("insert into t values (1)"), Data)
	assert.Equal(t, Classify("SET NAMES utf8mb4"), Session)
	assert.Equal(t, Classify("SELECT 1"), Other)
}

func TestTogglesKeys(t *testing.T) {
	t.Parallel()
	assert.Check(t, TogglesKeys("/*!40000 ALTER TABLE `t` DISABLE KEYS */"))
	assert.Check(t, TogglesKeys("alter table t enable keys"))
	assert.Check(t, !TogglesKeys("ALTER TABLE t DISABLE KEYS, ADD COLUMN b INT"))
	assert.Check(t, !TogglesKeys("ALTER TABLE t ADD COLUMN b INT"))
	assert.Check(t, !TogglesKeys("DROP TABLE t"))
}

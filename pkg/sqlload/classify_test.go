package sqlload

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

func TestClassify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text  string
		kind  Kind
		table string
	}{
		{"INSERT INTO `shop`.`users` VALUES (1)", Data, "shop.users"},
		{"insert low_priority ignore into t (a, b) values (1, 2)", Data, "t"},
		{"INSERT t SET a = 1", Data, "t"},
		{"REPLACE INTO `we``ird` VALUES (1)", Data, "we`ird"},
		{"UPDATE LOW_PRIORITY t SET a = 1", Data, "t"},
		{"DELETE QUICK FROM db.t WHERE a = 1", Data, "db.t"},
		{"DELETE t1 FROM t1 JOIN t2 ON t1.id = t2.id", Data, "t1"},
		{"LOAD DATA LOCAL INFILE 'x.csv' REPLACE INTO TABLE `t` FIELDS TERMINATED BY ','", Data, "t"},
		{"/*!40000 ALTER TABLE `t` DISABLE KEYS */", Schema, ""},
		{"/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER x BEFORE INSERT ON t FOR EACH ROW SET @a=1 */", Schema, ""},
		{"TRUNCATE TABLE t", Schema, ""},
		{"RENAME TABLE a TO b", Schema, ""},
		{"-- lead\nDROP VIEW v", Schema, ""},
		{"/*!40101 SET NAMES utf8mb4 */", Session, ""},
		{"/*M!999999\\- enable the sandbox mode */ SET @a = 1", Session, ""},
		{"USE `db`", Session, ""},
		{"LOCK TABLES `t` WRITE", Session, ""},
		{"START TRANSACTION", Session, ""},
		{"BEGIN", Session, ""},
		{"BEGIN NOT ATOMIC SELECT 1; END", Other, ""},
		{"SELECT 1", Other, ""},
		{"CALL p()", Other, ""},
		{"(SELECT 1)", Other, ""},
		{"", Other, ""},
	}
	for _, tc := range tests {
		kind, table := classify(tc.text)
		assert.Check(t, is.Equal(kind, tc.kind), tc.text)
		assert.Check(t, is.Equal(table, tc.table), tc.text)
	}
}

func TestParseDataSimple(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text   string
		simple bool
	}{
		{"INSERT INTO t VALUES (1)", true},
		{"INSERT INTO t (a, `b`) VALUE (1, 2)", true},
		{"INSERT INTO t PARTITION (p0) (a) VALUES (1)", true},
		{"INSERT INTO t SET a = 1", true},
		{"INSERT INTO t SELECT * FROM u", false},
		{"INSERT INTO t (a) SELECT a FROM u", false},
		{"INSERT INTO t TABLE u", false},
		{"UPDATE t SET a = 1 WHERE b = 2", true},
		{"UPDATE t, u SET t.a = u.a", false},
		{"UPDATE t JOIN u ON t.id = u.id SET t.a = 1", false},
		{"DELETE FROM t", true},
		{"DELETE FROM t WHERE a = 1 LIMIT 2", true},
		{"DELETE FROM t USING t JOIN u", false},
		{"DELETE t FROM t JOIN u ON t.id = u.id", false},
		{"LOAD DATA INFILE 'f' INTO TABLE t", true},
		{"INSERT INTO", false},
	}
	for _, tc := range tests {
		_, simple := parseData(tc.text)
		assert.Check(t, is.Equal(simple, tc.simple), tc.text)
	}
}

func TestParseSchema(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want schemaTarget
	}{
		{"CREATE TABLE `t` (id INT)", schemaTarget{table: "t"}},
		{"CREATE TABLE IF NOT EXISTS db.t (id INT)", schemaTarget{table: "db.t"}},
		{"CREATE TEMPORARY TABLE tmp (id INT)", schemaTarget{table: "tmp", temporary: true}},
		{"CREATE OR REPLACE TABLE t (id INT)", schemaTarget{table: "t"}},
		{"CREATE TABLE c (id INT, p INT, FOREIGN KEY (p) REFERENCES `db`.`parent` (id))", schemaTarget{table: "c", refs: []string{"db.parent"}}},
		{"CREATE TABLE t AS SELECT * FROM u", schemaTarget{}},
		{"CREATE TABLE t LIKE u", schemaTarget{}},
		{"/*!40000 ALTER TABLE `t` ENABLE KEYS */", schemaTarget{table: "t"}},
		{"ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (p) REFERENCES u (id)", schemaTarget{table: "t", refs: []string{"u"}}},
		{"ALTER TABLE t RENAME TO u", schemaTarget{}},
		{"DROP TABLE IF EXISTS `t`", schemaTarget{table: "t"}},
		{"DROP TABLE a, b", schemaTarget{}},
		{"TRUNCATE t", schemaTarget{table: "t"}},
		{"CREATE UNIQUE INDEX i ON t (a)", schemaTarget{table: "t"}},
		{"DROP INDEX i ON t", schemaTarget{table: "t"}},
		{"/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`%`*/ /*!50003 TRIGGER `x` AFTER INSERT ON `orders` FOR EACH ROW BEGIN END */", schemaTarget{table: "orders"}},
		{"CREATE DEFINER=CURRENT_USER() TRIGGER x BEFORE UPDATE ON t FOR EACH ROW SET NEW.a = 1", schemaTarget{table: "t"}},
		{"CREATE VIEW v AS SELECT 1", schemaTarget{}},
		{"CREATE PROCEDURE p() BEGIN END", schemaTarget{}},
		{"DROP TRIGGER x", schemaTarget{}},
		{"RENAME TABLE a TO b", schemaTarget{}},
	}
	for _, tc := range tests {
		assert.Check(t, is.DeepEqual(parseSchema(tc.text), tc.want, cmpTarget), tc.text)
	}
}

// cmpTarget compares schemaTarget's unexported fields.
var cmpTarget = cmp.AllowUnexported(schemaTarget{})

func TestSkippedSession(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]bool{
		"LOCK TABLES t WRITE":          true,
		"UNLOCK TABLES":                true,
		"START TRANSACTION":            true,
		"BEGIN":                        true,
		"COMMIT":                       true,
		"ROLLBACK":                     true,
		"SET autocommit=0":             true,
		"SET @@session.autocommit = 1": true,
		"SET SESSION autocommit = 1":   true,
		"SET NAMES utf8mb4":            false,
		"SET @autocommit_seen = 1":     false,
		"SET @x = 1, autocommit = 0":   false,
		"USE db":                       false,
		"START SLAVE":                  false,
	} {
		assert.Check(t, is.Equal(skippedSession(text), want), text)
	}
}

func TestMentionsSelect(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]bool{
		"INSERT INTO t VALUES ((SELECT MAX(id) FROM u))":  true,
		"UPDATE t SET a = 1 WHERE b IN (select b from u)": true,
		"INSERT INTO t VALUES ('select', \"SELECT\")":     false,
		"INSERT INTO t (`select`) VALUES (1)":             false,
		"INSERT INTO t VALUES ('it\\'s select')":          false,
		"INSERT INTO t VALUES (selected, preselect)":      false,
	} {
		assert.Check(t, is.Equal(mentionsSelect(text), want), text)
	}
}

func TestSnippet(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]string{
		"INSERT INTO t\r\n  VALUES\t(1,\x00'\xff')":                                   "INSERT INTO t VALUES (1,?'…')",
		"INSERT INTO t VALUES ('AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI', \"x\")":         `INSERT INTO t VALUES ('…', "…")`,
		`INSERT INTO t VALUES ('it''s', 'a \' b', 'c\\'), ('d')`:                      `INSERT INTO t VALUES ('…', '…', '…'), ('…')`,
		"INSERT INTO `it's` VALUES ('x')":                                             "INSERT INTO `it's` VALUES ('…')",
		"INSERT INTO t VALUES ('unterminated secret":                                  "INSERT INTO t VALUES ('…'",
		strings.Repeat("a", snippetBytes) + "  \n":                                    strings.Repeat("a", snippetBytes),
		strings.Repeat("a ", 100):                                                     strings.Repeat("a ", 39) + "a…",
		strings.Repeat("é", 100):                                                      strings.Repeat("é", snippetBytes/2) + "…",
		"SELECT '" + strings.Repeat("s", 200) + "'" + strings.Repeat(", '", 30) + "'": "SELECT '…', '…', '…', '…', '…', '…', '…', '…', '…', '…',…",
	} {
		got := snippet(text)
		assert.Check(t, is.Equal(got, want), "%q", text)
		assert.Check(t, len(got) <= snippetBytes+len("…"), "%q", text)
	}
}

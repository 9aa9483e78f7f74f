package edge

import (
	"testing"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

func TestRewriteToStorage(t *testing.T) {
	t.Parallel()
	acct := Account{Database: "app", Storage: "s_app"}
	for sql, want := range map[string]string{
		"SELECT * FROM app.t":                                              "SELECT * FROM `s_app`.t",
		"SELECT * FROM `app`.`t` JOIN app.u":                               "SELECT * FROM `s_app`.`t` JOIN `s_app`.u",
		"SELECT * FROM information_schema.tables WHERE table_schema='app'": "SELECT * FROM information_schema.tables WHERE table_schema='s_app'",
		"SELECT 1 FROM x WHERE t.TABLE_SCHEMA IN ('other', 'app')":         "SELECT 1 FROM x WHERE t.TABLE_SCHEMA IN ('other', 's_app')",
		"SELECT 1 FROM x WHERE 'app' = table_schema":                       "SELECT 1 FROM x WHERE 's_app' = table_schema",
		"SHOW TABLES FROM app":                                             "SHOW TABLES FROM `s_app`",
		"SELECT 'app', v FROM t WHERE name = 'app'":                        "SELECT 'app', v FROM t WHERE name = 'app'",
		"SELECT app.v FROM t AS app":                                       "SELECT app.v FROM t AS app",
		"SELECT * FROM app":                                                "SELECT * FROM app",
		"SELECT t.app.x FROM t":                                            "SELECT t.app.x FROM t",
		"-- app.t\nSELECT 1":                                               "-- app.t\nSELECT 1",
	} {
		assert.Check(t, is.Equal(rewriteToStorage(sql, acct), want), sql)
	}
}

func TestKindOf(t *testing.T) {
	t.Parallel()
	for sql, want := range map[string]limitKind{
		"SELECT 1":                    {read: true},
		"(SELECT 1) UNION (SELECT 2)": {read: true},
		"UPDATE t SET v = 1":          {boundedDML: true},
		"DELETE FROM t WHERE id IN (SELECT id FROM u LIMIT 3)": {boundedDML: true},
		"DELETE FROM t LIMIT 10":                               {},
		"INSERT INTO t VALUES (1)":                             {},
		"BEGIN":                                                {transaction: true},
	} {
		assert.Check(t, is.Equal(kindOf(sql), want), sql)
	}
}

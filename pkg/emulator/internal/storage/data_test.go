package storage

import (
	"bytes"
	"database/sql"
	"fmt"
	"testing"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// dumpRows returns every row of query, quoted, one string per row.
func dumpRows(t *testing.T, conn *sql.DB, query string) []string {
	t.Helper()
	rows, err := (&Server{}).rows(testCtx(t), conn, query)
	assert.NilError(t, err)
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = fmt.Sprintf("%q", r)
	}
	return out
}

func TestCopyData(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, s *Server) {
		ctx := testCtx(t)
		n := newNamer(t, s)
		src := newDatabase(t, s, n, "src", fixture...)
		blob := make([]byte, 256)
		for i := range blob {
			blob[i] = byte(i)
		}
		root := adminLogin(t, s, src)
		for _, stmt := range []struct {
			query string
			args  []any
		}{
			{"SET SESSION sql_mode = CONCAT(@@SESSION.sql_mode, ',NO_AUTO_VALUE_ON_ZERO')", nil},
			{"INSERT INTO parent (id, name) VALUES (?, ?), (?, ?), (?, ?), (?, ?)", []any{0, "zero", 1, "plain", 2, "héllo 😀🚀 ünïcødé", 7, "多言語"}},
			{"INSERT INTO child (parent_id, note, payload) VALUES (?, ?, ?), (?, ?, ?)", []any{2, "emoji 🎉", blob, 7, nil, []byte{0, 0, 0xff}}},
			{"INSERT INTO measure (id, a) VALUES (?, ?), (?, ?)", []any{1, 5, 2, -3}},
		} {
			_, err := root.ExecContext(ctx, stmt.query, stmt.args...)
			assert.NilError(t, err, stmt.query)
		}
		dst := newDatabase(t, s, n, "dst")
		assert.NilError(t, s.CopySchema(ctx, src, dst))

		assert.NilError(t, s.CopyData(ctx, src, dst))

		copyConn := adminLogin(t, s, dst)
		for _, table := range []string{"parent", "child", "measure"} {
			query := "SELECT * FROM " + table + " ORDER BY id"
			want := dumpRows(t, root, query)
			assert.Check(t, len(want) > 0)
			assert.Check(t, is.DeepEqual(dumpRows(t, copyConn, query), want), table)
		}
		var payload []byte
		assert.NilError(t, copyConn.QueryRowContext(ctx, "SELECT payload FROM child WHERE parent_id = 2").Scan(&payload))
		assert.Check(t, bytes.Equal(payload, blob), "blob bytes survive the copy")
		assert.Check(t, is.DeepEqual(queryStrings(t, copyConn, "SELECT name FROM parent ORDER BY id"),
			[]string{"zero", "plain", "héllo 😀🚀 ünïcødé", "多言語"}), "utf8mb4 text and an explicit zero id survive the copy")

		assert.NilError(t, s.Exec(ctx, dst,
			"INSERT INTO parent (name) VALUES ('next')",
			"INSERT INTO child (parent_id, note) VALUES (1, 'fresh')"))
		fresh := adminLogin(t, s, dst)
		assert.Check(t, is.DeepEqual(queryStrings(t, fresh, "SELECT id FROM parent WHERE name = 'next'"), []string{"8"}),
			"auto increment continues after the copied rows")
		assert.Check(t, is.DeepEqual(queryStrings(t, fresh, "SELECT COALESCE(note, 'NULL') FROM child ORDER BY id"),
			[]string{"[emoji 🎉]", "NULL", "[fresh]"}), "copied rows keep their values and the trigger fires again afterwards")
	})
}

func TestNonGeneratedColumns(t *testing.T) {
	t.Parallel()
	stmt := "CREATE TABLE `t` (\n" +
		"  `id` int NOT NULL,\n" +
		"  `odd``name` varchar(10) DEFAULT 'GENERATED',\n" +
		"  `v` int GENERATED ALWAYS AS ((`id` * 2)) VIRTUAL,\n" +
		"  `s` int(11) GENERATED ALWAYS AS (`id` + 1) STORED,\n" +
		"  `ts` timestamp NULL DEFAULT CURRENT_TIMESTAMP,\n" +
		"  PRIMARY KEY (`id`),\n" +
		"  KEY `idx` (`v`)\n" +
		") ENGINE=InnoDB"
	assert.Check(t, is.DeepEqual(nonGeneratedColumns(stmt), []string{"id", "odd`name", "ts"}))
}

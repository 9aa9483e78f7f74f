package storage

import (
	"testing"

	"gotest.tools/v3/assert"
)

// TestKeepAndRestore saves and restores a table and a column a change drops: the
// data comes back, and rows written or deleted since stay as they are.
func TestKeepAndRestore(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, s *Server) {
		ctx := testCtx(t)
		n := newNamer(t, s)
		db := newDatabase(t, s, n, "prod",
			"CREATE TABLE orders (id bigint NOT NULL PRIMARY KEY, amount int NOT NULL, due_date date)",
			"CREATE TABLE notes (id bigint NOT NULL PRIMARY KEY, body varchar(50))",
			"INSERT INTO orders VALUES (1, 10, '2026-01-01'), (2, 20, '2026-02-02'), (3, 30, NULL)",
			"INSERT INTO notes VALUES (1, 'one'), (2, 'two')",
		)
		keep := newDatabase(t, s, n, "keep")
		assert.NilError(t, s.SaveTables(ctx, db, keep, "orders", "notes"))

		// The deploy: drop a column and a table; then the application writes.
		assert.NilError(t, s.Exec(ctx, db,
			"ALTER TABLE orders DROP COLUMN due_date",
			"DROP TABLE notes",
			"INSERT INTO orders VALUES (4, 40)",
			"UPDATE orders SET amount = 11 WHERE id = 1",
			"DELETE FROM orders WHERE id = 2",
		))
		// The revert: the schema comes back, then the data.
		assert.NilError(t, s.Exec(ctx, db,
			"ALTER TABLE orders ADD COLUMN due_date date",
			"CREATE TABLE notes (id bigint NOT NULL PRIMARY KEY, body varchar(50))",
		))
		assert.NilError(t, s.RestoreColumns(ctx, keep, db, "orders", []string{"id"}, []string{"due_date"}))
		assert.NilError(t, s.RestoreRows(ctx, keep, db, "notes"))

		root := adminLogin(t, s, db)
		assert.DeepEqual(t, dumpRows(t, root, "SELECT id, amount, due_date FROM orders ORDER BY id"), []string{
			`["1" "11" "2026-01-01"]`, `["3" "30" ""]`, `["4" "40" ""]`,
		})
		assert.DeepEqual(t, dumpRows(t, root, "SELECT id, body FROM notes ORDER BY id"), []string{
			`["1" "one"]`, `["2" "two"]`,
		})
	})
}

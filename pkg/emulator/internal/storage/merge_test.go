package storage

import (
	"testing"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// TestMergeRows checks that missing rows are inserted, rows held under the same key
// keep the target's values, and a missing table is no error.
func TestMergeRows(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, s *Server) {
		ctx := testCtx(t)
		n := newNamer(t, s)
		ddl := "CREATE TABLE schema_migrations (version VARCHAR(255) NOT NULL, checksum CHAR(64) NOT NULL DEFAULT '', PRIMARY KEY (version))"
		from := newDatabase(t, s, n, "from", ddl, "INSERT INTO schema_migrations VALUES ('1', 'a'), ('2', 'b'), ('3', 'c')")
		to := newDatabase(t, s, n, "to", ddl, "INSERT INTO schema_migrations VALUES ('1', 'a'), ('2', 'target')")

		merged, err := s.MergeRows(ctx, from, to, "schema_migrations")
		assert.NilError(t, err)
		assert.Equal(t, merged, int64(1))
		admin := adminLogin(t, s, to)
		assert.Check(t, is.DeepEqual(queryStrings(t, admin, "SELECT CONCAT(version, ':', checksum) FROM schema_migrations ORDER BY version"),
			[]string{"1:a", "2:target", "3:c"}))

		merged, err = s.MergeRows(ctx, from, to, "missing")
		assert.NilError(t, err)
		assert.Equal(t, merged, int64(0))
	})
}

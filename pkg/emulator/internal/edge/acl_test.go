package edge

import (
	"testing"

	"github.com/dolthub/vitess/go/vt/sqlparser"
	"github.com/google/go-cmp/cmp"
	"gotest.tools/v3/assert"
)

// TestNeeds checks the rights a statement needs are vttablet's
// (permission.go BuildPermissions): a WHERE clause needs none.
func TestNeeds(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		sql  string
		want []need
	}{
		{"UPDATE t SET v = 'x' WHERE id = 11", []need{{"Update", accessWrite, "t"}}},
		{"DELETE FROM t WHERE id IN (SELECT id FROM u)", []need{{"Delete", accessWrite, "t"}, {"Select", accessRead, "u"}}},
		{"SELECT a.x FROM t AS a JOIN u ON a.id = u.id", []need{{"Select", accessRead, "t"}, {"Select", accessRead, "u"}}},
		{"WITH c AS (SELECT * FROM t) SELECT * FROM c", []need{{"Select", accessRead, "t"}}},
		{"INSERT INTO t SELECT * FROM u", []need{{"Insert", accessWrite, "t"}, {"Select", accessRead, "u"}}},
		{"CREATE TABLE x (id INT)", []need{{"DDL", accessAdmin, "x"}}},
		{"SHOW TABLES", nil},
	} {
		stmt, err := sqlparser.Parse(c.sql)
		assert.NilError(t, err, c.sql)
		assert.DeepEqual(t, needs(stmt), c.want, cmp.AllowUnexported(need{}))
	}
}

package seedbranch

import (
	"testing"

	"gotest.tools/v3/assert"
)

func TestCanonicalView(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"SELECT id, email FROM guests", "select id, email from guests"},
		{"select `id`, `email`\n  from `guests`", "select id, email from guests"},
		{"SELECT 'A `b`  C' AS x", "select 'A `b`  C' as x"},
		{`SELECT "it's" AS y, 'a\'b' AS z`, `select "it's" as y, 'a\'b' as z`},
	} {
		assert.Equal(t, canonicalView(tc.in), tc.want, tc.in)
	}
}

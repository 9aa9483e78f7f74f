package seedbranch

import (
	"testing"

	"github.com/psflow/psflow/pkg/sqlload"
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

func TestWithoutDefiner(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`127.0.0.1` SQL SECURITY INVOKER VIEW `v` AS select 1", "CREATE ALGORITHM=UNDEFINED SQL SECURITY INVOKER VIEW `v` AS select 1"},
		{"CREATE DEFINER = 'a'@'%' VIEW v AS SELECT 'DEFINER=x'", "CREATE VIEW v AS SELECT 'DEFINER=x'"},
		{"CREATE DEFINER=CURRENT_USER VIEW v AS SELECT 1", "CREATE VIEW v AS SELECT 1"},
		{"CREATE VIEW v AS SELECT definer FROM t", "CREATE VIEW v AS SELECT definer FROM t"},
	} {
		d := withoutDefiner(definition{obj: sqlload.Defines(tc.in), text: tc.in})
		assert.Equal(t, d.text, tc.want)
		assert.Equal(t, d.obj.Name, "v")
	}
}

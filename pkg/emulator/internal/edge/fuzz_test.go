package edge

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzClassify reads any text without failing, and checks that a comment before a
// statement never changes what the edge makes of it, so it hides no DDL from the guard.
func FuzzClassify(f *testing.F) {
	for _, seed := range []string{
		"CREATE TABLE t (id INT)", "/*!50001 DROP VIEW v */", "/*M!100000 ALTER TABLE t ADD c INT */",
		"PREPARE s FROM 'CREATE TABLE t (id INT)'", "PREPARE s FROM @q;", "EXECUTE IMMEDIATE 'DROP TABLE t'",
		"SET STATEMENT a = (1) FOR CALL p()", "lbl: BEGIN NOT ATOMIC END", "SELECT '\\'; DROP TABLE t", "# x\nTRUNCATE t",
		"@`v", "'", "/*", "--", "/*!",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		st := classify(sql)
		for _, comment := range []string{"/* c */ ", "-- c\n", "# c\n"} {
			if got := classify(comment + sql); !cmp.Equal(got, st, cmp.AllowUnexported(statement{})) {
				t.Fatalf("classify(%q) = %+v, but %+v after %q", sql, st, got, comment)
			}
		}
		_ = mayChangeSchema(sql)
	})
}

package storage

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/golden"
)

// fixture is a schema with a primary key, a secondary index, a foreign
// key, a generated column, a view, a trigger and a stored procedure.
var fixture = []string{
	"CREATE TABLE parent (id BIGINT NOT NULL AUTO_INCREMENT, name VARCHAR(100) NOT NULL, PRIMARY KEY (id), KEY idx_name (name))",
	"CREATE TABLE child (id BIGINT NOT NULL AUTO_INCREMENT, parent_id BIGINT NOT NULL, note VARCHAR(200), payload BLOB, " +
		"PRIMARY KEY (id), KEY idx_parent (parent_id), CONSTRAINT fk_child_parent FOREIGN KEY (parent_id) REFERENCES parent (id))",
	"CREATE TABLE measure (id INT NOT NULL, a INT NOT NULL, doubled INT GENERATED ALWAYS AS (a * 2) STORED, PRIMARY KEY (id))",
	"CREATE VIEW parent_names AS SELECT id, name FROM parent",
	"CREATE TRIGGER child_note BEFORE INSERT ON child FOR EACH ROW SET NEW.note = CONCAT('[', NEW.note, ']')",
	"CREATE PROCEDURE count_parents() SELECT COUNT(*) FROM parent",
}

// definer matches the DEFINER clause, which names the admin's host.
var definer = regexp.MustCompile("DEFINER=`[^`]*`@`[^`]*` ")

// flavorName names the server flavor for golden files.
func flavorName(s *Server) string {
	switch s.flavor {
	case flavorGMS:
		return "embedded"
	case flavorMariaDB:
		return "mariadb"
	default:
		return "mysql"
	}
}

// render prints a schema for a golden file, without DEFINER clauses.
func render(tables []Table) string {
	var b strings.Builder
	for _, tb := range tables {
		fmt.Fprintf(&b, "-- %s\n%s;\n", tb.Name, definer.ReplaceAllString(tb.SQL, ""))
	}
	return b.String()
}

func TestCopySchema(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, s *Server) {
		ctx := testCtx(t)
		n := newNamer(t, s)
		src := newDatabase(t, s, n, "src", fixture...)
		assert.NilError(t, s.Exec(ctx, src,
			"INSERT INTO parent (name) VALUES ('a'), ('b')",
			"INSERT INTO child (parent_id, note) VALUES (1, 'x')"))
		dst := newDatabase(t, s, n, "dst")

		assert.NilError(t, s.CopySchema(ctx, src, dst))

		want, err := s.Schema(ctx, src)
		assert.NilError(t, err)
		got, err := s.Schema(ctx, dst)
		assert.NilError(t, err)
		assert.Check(t, is.DeepEqual(got, want))
		golden.Assert(t, render(got), "copy_schema_"+flavorName(s)+".golden")

		admin := adminLogin(t, s, dst)
		assert.Check(t, is.DeepEqual(queryStrings(t, admin, "SELECT COUNT(*) FROM parent"), []string{"0"}), "no rows are copied")
		err = s.Exec(ctx, dst, "INSERT INTO child (parent_id, note) VALUES (42, 'orphan')")
		assert.Check(t, err != nil, "the foreign key must hold in the copy")
		assert.NilError(t, s.Exec(ctx, dst,
			"INSERT INTO parent (name) VALUES ('p')",
			"INSERT INTO child (parent_id, note) VALUES (1, 'n')"))
		assert.Check(t, is.DeepEqual(queryStrings(t, admin, "SELECT note FROM child"), []string{"[n]"}), "the trigger is copied")
		assert.Check(t, is.DeepEqual(queryStrings(t, admin, "CALL count_parents()"), []string{"1"}), "the procedure is copied")
	})
}

func TestCopySchemaMissingSource(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, s *Server) {
		ctx := testCtx(t)
		n := newNamer(t, s)
		dst := newDatabase(t, s, n, "dst")
		err := s.CopySchema(ctx, n.name("missing"), dst)
		assert.Check(t, is.ErrorContains(err, n.name("missing")))
	})
}

func TestSchemaSortedWithoutAutoIncrement(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, s *Server) {
		ctx := testCtx(t)
		n := newNamer(t, s)
		db := newDatabase(t, s, n, "app",
			"CREATE TABLE zeta (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, v INT)",
			"CREATE TABLE alpha (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, v INT)",
			"CREATE VIEW middle AS SELECT id FROM zeta",
			"INSERT INTO zeta (v) VALUES (1), (2), (3)",
			"INSERT INTO alpha (v) VALUES (1)")

		tables, err := s.Schema(ctx, db)
		assert.NilError(t, err)
		assert.Check(t, is.DeepEqual(tableNames(tables), []string{"alpha", "middle", "zeta"}))
		for _, tb := range tables {
			assert.Check(t, !strings.Contains(tb.SQL, "AUTO_INCREMENT="), "%s: %s", tb.Name, tb.SQL)
			assert.Check(t, strings.HasPrefix(tb.SQL, "CREATE "), "%s: %s", tb.Name, tb.SQL)
		}
		assert.Check(t, is.Contains(tables[0].SQL, "AUTO_INCREMENT"), "the column attribute stays")
	})
}

func TestFKOrder(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		tables []string
		deps   map[string][]string
		want   []string
	}{
		{"none", []string{"b", "a"}, nil, []string{"a", "b"}},
		{"chain", []string{"a", "b", "c"}, map[string][]string{"a": {"b"}, "b": {"c"}}, []string{"c", "b", "a"}},
		{"self", []string{"a", "b"}, map[string][]string{"a": {"a"}}, []string{"a", "b"}},
		{"outside", []string{"a"}, map[string][]string{"a": {"gone"}}, []string{"a"}},
		{"cycle", []string{"d", "a", "b", "c"}, map[string][]string{"a": {"b"}, "b": {"a"}, "c": {"d"}}, []string{"d", "c", "a", "b"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			assert.Check(t, is.DeepEqual(fkOrder(c.tables, c.deps), c.want))
		})
	}
}

func TestConcurrentCopies(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, s *Server) {
		ctx := testCtx(t)
		n := newNamer(t, s)
		src := newDatabase(t, s, n, "src", fixture...)
		assert.NilError(t, s.Exec(ctx, src, "INSERT INTO parent (name) VALUES ('a'), ('b')"))
		const copies = 6
		errs := make(chan error, copies)
		for i := range copies {
			go func() {
				dst := n.name(fmt.Sprintf("dst%d", i))
				errs <- errors.Join(
					s.CreateDatabase(ctx, dst),
					s.CopySchema(ctx, src, dst),
					s.CopyData(ctx, src, dst),
					s.CreateUser(ctx, dst, n.name(fmt.Sprintf("u%d", i)), "pw", RoleReadWriter))
			}()
		}
		for range copies {
			assert.Check(t, <-errs)
		}
		for i := range copies {
			conn := mustLogin(t, s, n.name(fmt.Sprintf("u%d", i)), "pw", n.name(fmt.Sprintf("dst%d", i)))
			assert.Check(t, is.DeepEqual(queryStrings(t, conn, "SELECT name FROM parent ORDER BY id"), []string{"a", "b"}))
		}
	})
}

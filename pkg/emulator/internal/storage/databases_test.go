package storage

import (
	"slices"
	"strings"
	"testing"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

func TestCreateDropDatabase(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, s *Server) {
		ctx := testCtx(t)
		n := newNamer(t, s)
		db := n.name("app")

		assert.NilError(t, s.CreateDatabase(ctx, db))
		names, err := s.databases(ctx)
		assert.NilError(t, err)
		assert.Check(t, slices.Contains(names, db), "databases: %v", names)
		assert.Check(t, s.CreateDatabase(ctx, db) != nil, "creating %s twice must fail", db)

		assert.NilError(t, s.DropDatabase(ctx, db))
		names, err = s.databases(ctx)
		assert.NilError(t, err)
		assert.Check(t, !slices.Contains(names, db), "databases: %v", names)
		assert.NilError(t, s.DropDatabase(ctx, db), "dropping a missing database is not an error")
	})
}

func TestInvalidNames(t *testing.T) {
	t.Parallel()
	s := &Server{}
	ctx := testCtx(t)
	cases := []struct {
		name string
		call func(string) error
	}{
		{"CreateDatabase", func(v string) error { return s.CreateDatabase(ctx, v) }},
		{"DropDatabase", func(v string) error { return s.DropDatabase(ctx, v) }},
		{"DropDatabasesWithPrefix", func(v string) error { return s.DropDatabasesWithPrefix(ctx, v) }},
		{"Exec", func(v string) error { return s.Exec(ctx, v, "SELECT 1") }},
		{"Schema", func(v string) error { _, err := s.Schema(ctx, v); return err }},
		{"CopySchema", func(v string) error { return s.CopySchema(ctx, "ok", v) }},
		{"CopyData", func(v string) error { return s.CopyData(ctx, v, "ok") }},
		{"CreateUser", func(v string) error { return s.CreateUser(ctx, "ok", v, "pw", RoleReader) }},
		{"DropUser", func(v string) error { return s.DropUser(ctx, v) }},
		{"DropUsersWithPrefix", func(v string) error { return s.DropUsersWithPrefix(ctx, v) }},
	}
	bad := []string{"", "App", "a-b", "a`b", "a b", "a;drop", "é", strings.Repeat("a", 65)}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			for _, v := range bad {
				assert.Check(t, is.ErrorIs(c.call(v), ErrInvalidName), "name %q", v)
			}
		})
	}
}

func TestExecNamesFailingStatement(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, s *Server) {
		ctx := testCtx(t)
		n := newNamer(t, s)
		db := newDatabase(t, s, n, "app")

		err := s.Exec(ctx, db,
			"CREATE TABLE first_one (id INT PRIMARY KEY)",
			"INSERT INTO no_such_table VALUES (1)",
			"CREATE TABLE never_made (id INT PRIMARY KEY)")
		assert.Check(t, is.ErrorContains(err, "INSERT INTO no_such_table VALUES (1)"))
		assert.Check(t, is.ErrorContains(err, db))

		tables, err := s.Schema(ctx, db)
		assert.NilError(t, err)
		assert.Check(t, is.DeepEqual(tableNames(tables), []string{"first_one"}))
	})
}

func TestDropWithPrefix(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, s *Server) {
		ctx := testCtx(t)
		n := newNamer(t, s)
		other := newNamer(t, s)
		keep := newDatabase(t, s, other, "keep")
		assert.NilError(t, s.CreateUser(ctx, keep, other.name("keeper"), "pw_keep", RoleReader))
		for _, suffix := range []string{"a", "b", "c"} {
			db := newDatabase(t, s, n, suffix)
			assert.NilError(t, s.CreateUser(ctx, db, n.name("u"+suffix), "pw_"+suffix, RoleAdmin))
		}

		assert.NilError(t, s.DropDatabasesWithPrefix(ctx, n.prefix))
		assert.NilError(t, s.DropUsersWithPrefix(ctx, n.prefix))

		dbs, err := s.databases(ctx)
		assert.NilError(t, err)
		assert.Check(t, is.DeepEqual(withPrefix(dbs, n.prefix), []string(nil)))
		assert.Check(t, slices.Contains(dbs, keep))
		accounts, err := s.accounts(ctx)
		assert.NilError(t, err)
		var users []string
		for _, a := range accounts {
			users = append(users, a.user)
		}
		assert.Check(t, is.DeepEqual(withPrefix(users, n.prefix), []string(nil)))
		assert.Check(t, slices.Contains(users, other.name("keeper")))
		_, err = login(t, s, n.name("ua"), "pw_a", "")
		assert.Check(t, err != nil, "a dropped user must not log in")
	})
}

// withPrefix returns the names that start with prefix.
func withPrefix(names []string, prefix string) []string {
	var out []string
	for _, v := range names {
		if strings.HasPrefix(v, prefix) {
			out = append(out, v)
		}
	}
	return out
}

// tableNames returns the names of tables in order.
func tableNames(tables []Table) []string {
	out := make([]string, len(tables))
	for i, tb := range tables {
		out[i] = tb.Name
	}
	return out
}

func TestClip(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{"short", "short"},
		{strings.Repeat("x", maxStatementInError), strings.Repeat("x", maxStatementInError)},
		{strings.Repeat("x", maxStatementInError+1), strings.Repeat("x", maxStatementInError) + "…"},
		{strings.Repeat("x", maxStatementInError-1) + "😀", strings.Repeat("x", maxStatementInError-1) + "…"},
	}
	for _, c := range cases {
		assert.Check(t, is.Equal(clip(c.in, maxStatementInError), c.want))
	}
}

package storage

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"testing"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// roleFixture is the schema every role test starts from.
var roleFixture = []string{
	"CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v VARCHAR(20))",
	"INSERT INTO t VALUES (1, 'one'), (2, 'two')",
	"CREATE VIEW tv AS SELECT id FROM t",
	"CREATE PROCEDURE count_t() SELECT COUNT(*) FROM t",
}

func TestRoles(t *testing.T) {
	t.Parallel()
	// go-mysql-server v0.20.0 binds a stored view through its CREATE VIEW
	// statement, so reading a view needs the CREATE VIEW privilege there, and
	// it checks global privileges such as CREATE (DATABASE) against the
	// current database. Those statements are only checked on real servers.
	cases := []struct {
		role            Role
		allowed         []string
		denied          []string
		allowedExternal []string
		deniedExternal  []string
	}{
		{
			role:            RoleReader,
			allowed:         []string{"SELECT * FROM t", "SHOW CREATE TABLE t"},
			allowedExternal: []string{"SELECT * FROM tv", "SHOW CREATE VIEW tv"},
			denied: []string{"INSERT INTO t VALUES (9, 'nine')", "UPDATE t SET v = 'x' WHERE id = 1",
				"DELETE FROM t WHERE id = 1", "CREATE TABLE x (id INT PRIMARY KEY)", "DROP TABLE t"},
		},
		{
			// A writer modifies rows, WHERE clauses included; the MySQL
			// edge, not storage, refuses its reads (edge/acl.go).
			role: RoleWriter,
			allowed: []string{"INSERT INTO t VALUES (9, 'nine')", "UPDATE t SET v = 'x'", "DELETE FROM t",
				"UPDATE t SET v = 'x' WHERE id = 1", "DELETE FROM t WHERE id = 2"},
			denied: []string{"CREATE TABLE x (id INT PRIMARY KEY)", "ALTER TABLE t ADD COLUMN w INT", "DROP TABLE t"},
		},
		{
			role: RoleReadWriter,
			allowed: []string{"SELECT * FROM t", "INSERT INTO t VALUES (9, 'nine')",
				"UPDATE t SET v = 'x' WHERE id = 1", "DELETE FROM t WHERE id = 2", "CALL count_t()"},
			allowedExternal: []string{"SELECT * FROM tv", "SHOW CREATE VIEW tv"},
			denied:          []string{"CREATE TABLE x (id INT PRIMARY KEY)", "ALTER TABLE t ADD COLUMN w INT", "DROP VIEW tv"},
		},
		{
			role: RoleAdmin,
			allowed: []string{"SELECT * FROM t", "INSERT INTO t VALUES (9, 'nine')", "ALTER TABLE t ADD COLUMN w INT",
				"CREATE TABLE x (id INT PRIMARY KEY)", "CREATE VIEW xv AS SELECT id FROM x",
				"CREATE TRIGGER xt BEFORE INSERT ON x FOR EACH ROW SET NEW.id = NEW.id + 1",
				"CREATE PROCEDURE xp() SELECT 1", "CALL xp()", "SELECT * FROM tv", "DROP TABLE x"},
			denied:         []string{"CREATE USER {prefix}nope IDENTIFIED BY 'pw'", "DROP DATABASE {other}"},
			deniedExternal: []string{"CREATE DATABASE {prefix}nope"},
		},
	}
	each(t, func(t *testing.T, s *Server) {
		n := newNamer(t, s)
		other := newDatabase(t, s, n, "other", "CREATE TABLE secret (id INT PRIMARY KEY)")
		for _, c := range cases {
			t.Run(string(c.role), func(t *testing.T) {
				t.Parallel()
				ctx := testCtx(t)
				db := newDatabase(t, s, n, string(c.role), roleFixture...)
				user, password := n.name("u_"+string(c.role)), "pw_"+string(c.role)+"_'quoted'"
				assert.NilError(t, s.CreateUser(ctx, db, user, password, c.role))

				conn := mustLogin(t, s, user, password, db)
				allowed, denied := slices.Clone(c.allowed), slices.Clone(c.denied)
				if !s.Embedded() {
					allowed = append(allowed, c.allowedExternal...)
					denied = append(denied, c.deniedExternal...)
				}
				expand := strings.NewReplacer("{prefix}", n.prefix, "{other}", quote(other)).Replace
				for _, stmt := range allowed {
					assert.Check(t, execOnce(ctx, conn, stmt), "%s may run %q", c.role, stmt)
				}
				for _, stmt := range denied {
					assert.Check(t, execOnce(ctx, conn, expand(stmt)) != nil, "%s must not run %q", c.role, stmt)
				}
				assert.Check(t, execOnce(ctx, conn, "SELECT * FROM "+quote(other)+".secret") != nil,
					"%s must not read another database", c.role)
				assert.Check(t, execOnce(ctx, conn, "USE "+quote(other)) != nil,
					"%s must not use another database", c.role)
				dbs := queryStrings(t, conn, "SHOW DATABASES")
				assert.Check(t, !slices.Contains(dbs, other), "%s sees %v", c.role, dbs)
				_, err := login(t, s, user, password, other)
				assert.Check(t, err != nil, "%s must not connect to another database", c.role)
			})
		}
	})
}

// execOnce runs stmt on a connection of its own and drains any result,
// so that a failed statement cannot leave state behind for the next one.
func execOnce(ctx context.Context, conn *sql.DB, stmt string) error {
	c, err := conn.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	rows, err := c.QueryContext(ctx, stmt)
	if err != nil {
		return err
	}
	for rows.Next() {
	}
	return rows.Close()
}

func TestWrongPasswordAndDropUser(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, s *Server) {
		ctx := testCtx(t)
		n := newNamer(t, s)
		db := newDatabase(t, s, n, "app", roleFixture...)
		user := n.name("u")
		assert.NilError(t, s.CreateUser(ctx, db, user, "right_pw", RoleReadWriter))
		assert.Check(t, s.CreateUser(ctx, db, user, "other_pw", RoleReader) != nil, "creating a user twice must fail")

		_, err := login(t, s, user, "wrong_pw", db)
		assert.Check(t, err != nil, "a wrong password must be refused")
		_, err = login(t, s, user, "", db)
		assert.Check(t, err != nil, "an empty password must be refused")
		conn := mustLogin(t, s, user, "right_pw", db)
		assert.Check(t, is.DeepEqual(queryStrings(t, conn, "SELECT v FROM t ORDER BY id"), []string{"one", "two"}))

		assert.NilError(t, s.DropUser(ctx, user))
		_, err = login(t, s, user, "right_pw", db)
		assert.Check(t, err != nil, "a dropped user must not log in")
		assert.NilError(t, s.DropUser(ctx, user), "dropping a missing user is not an error")
	})
}

func TestRetireUserKeepsWhatItDefined(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, s *Server) {
		ctx := testCtx(t)
		n := newNamer(t, s)
		db := newDatabase(t, s, n, "app", roleFixture...)
		user := n.name("u")
		assert.NilError(t, s.CreateUser(ctx, db, user, "right_pw", RoleAdmin))
		conn := mustLogin(t, s, user, "right_pw", db)
		if !s.Embedded() {
			// A view whose definer is the user, as a seed run would make it.
			_, err := conn.ExecContext(ctx, "CREATE VIEW v AS SELECT v FROM t")
			assert.NilError(t, err)
		}
		conn.Close()

		assert.NilError(t, s.RetireUser(ctx, user))
		_, err := login(t, s, user, "right_pw", db)
		assert.Check(t, err != nil, "a retired user must not log in")
		if !s.Embedded() {
			rows, err := s.db.QueryContext(ctx, "SELECT COUNT(*) FROM `"+db+"`.v")
			assert.NilError(t, err, "the view of a retired definer must still work")
			rows.Close()
		}
		assert.NilError(t, s.DropUser(ctx, user))
	})
}

func TestCreateUserRejects(t *testing.T) {
	t.Parallel()
	s := &Server{}
	ctx := testCtx(t)
	cases := []struct {
		name     string
		password string
		role     Role
		want     error
	}{
		{"empty password", "", RoleReader, ErrInvalidPassword},
		{"backslash", `a\b`, RoleReader, ErrInvalidPassword},
		{"newline", "a\nb", RoleReader, ErrInvalidPassword},
		{"non-ascii", "pässword", RoleReader, ErrInvalidPassword},
		{"unknown role", "pw", Role("owner"), ErrInvalidRole},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			assert.Check(t, is.ErrorIs(s.CreateUser(ctx, "db", "user", c.password, c.role), c.want))
		})
	}
}

func TestAnonymousHosts(t *testing.T) {
	t.Parallel()
	accounts := []account{
		{"root", "localhost"}, {"", "localhost"}, {"", "%"}, {"app", "%"}, {"", "build-host"},
	}
	assert.Check(t, is.DeepEqual(anonymousHosts(accounts), []string{"localhost", "build-host"}))
	assert.Check(t, is.DeepEqual(anonymousHosts(nil), []string(nil)))
}

package storage

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"gotest.tools/v3/assert"
)

// mysqlDSNEnv names the variable holding the DSN of a real MySQL/MariaDB
// server for the external-mode tests.
const mysqlDSNEnv = "PSFLOW_TEST_MYSQL_DSN"

// each runs fn as parallel subtests on a fresh embedded server and on the server
// PSFLOW_TEST_MYSQL_DSN names, if set; with CI set and no DSN that subtest fails.
func each(t *testing.T, fn func(t *testing.T, s *Server)) {
	t.Helper()
	t.Run("embedded", func(t *testing.T) {
		t.Parallel()
		fn(t, startEmbedded(t))
	})
	t.Run("mysql", func(t *testing.T) {
		t.Parallel()
		fn(t, openExternal(t))
	})
}

// testCtx returns a context that ends with the test or after a minute.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// startEmbedded starts an embedded server that is closed with the test.
func startEmbedded(t *testing.T) *Server {
	t.Helper()
	s, err := StartEmbedded(testCtx(t))
	assert.NilError(t, err)
	t.Cleanup(func() { assert.Check(t, s.Close()) })
	return s
}

// openExternal opens the server named by PSFLOW_TEST_MYSQL_DSN, closed with
// the test; it skips without the variable and fails when CI is set.
func openExternal(t *testing.T) *Server {
	t.Helper()
	dsn := os.Getenv(mysqlDSNEnv)
	if dsn == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set but CI is: the MySQL-backed tests must run in CI", mysqlDSNEnv)
		}
		t.Skipf("%s is not set", mysqlDSNEnv)
	}
	s, err := Open(testCtx(t), dsn)
	assert.NilError(t, err)
	t.Cleanup(func() { assert.Check(t, s.Close()) })
	return s
}

// namer hands out database and user names under one random prefix and
// drops everything under it when the test ends.
type namer struct{ prefix string }

// randomPrefix returns a fresh name prefix: t, ten random hex digits, _.
func randomPrefix(tb testing.TB) string {
	tb.Helper()
	b := make([]byte, 5)
	_, err := rand.Read(b)
	assert.NilError(tb, err)
	return "t" + hex.EncodeToString(b) + "_"
}

// newNamer makes a namer whose prefix is random per call.
func newNamer(t *testing.T, s *Server) namer {
	t.Helper()
	n := namer{prefix: randomPrefix(t)}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		assert.Check(t, s.DropDatabasesWithPrefix(ctx, n.prefix))
		assert.Check(t, s.DropUsersWithPrefix(ctx, n.prefix))
	})
	return n
}

// name returns the prefixed name for suffix.
func (n namer) name(suffix string) string { return n.prefix + suffix }

// newDatabase creates the prefixed database for suffix and runs stmts in it.
func newDatabase(t *testing.T, s *Server, n namer, suffix string, stmts ...string) string {
	t.Helper()
	ctx := testCtx(t)
	db := n.name(suffix)
	assert.NilError(t, s.CreateDatabase(ctx, db))
	assert.NilError(t, s.Exec(ctx, db, stmts...))
	return db
}

// login opens a single-connection pool as user on database db and pings it.
func login(t *testing.T, s *Server, user, password, db string) (*sql.DB, error) {
	t.Helper()
	cfg := mysql.NewConfig()
	cfg.User = user
	cfg.Passwd = password
	cfg.Net = "tcp"
	cfg.Addr = s.Addr()
	cfg.DBName = db
	connector, err := mysql.NewConnector(cfg)
	assert.NilError(t, err)
	conn := sql.OpenDB(connector)
	conn.SetMaxOpenConns(1)
	if err := conn.PingContext(testCtx(t)); err != nil {
		_ = conn.Close()
		return nil, err
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn, nil
}

// mustLogin is login that fails the test on error.
func mustLogin(t *testing.T, s *Server, user, password, db string) *sql.DB {
	t.Helper()
	conn, err := login(t, s, user, password, db)
	assert.NilError(t, err)
	return conn
}

// queryStrings runs query on conn and returns the first column of each row.
func queryStrings(t *testing.T, conn *sql.DB, query string, args ...any) []string {
	t.Helper()
	rows, err := (&Server{}).rows(testCtx(t), conn, query, args...)
	assert.NilError(t, err)
	return column(rows, 0)
}

// adminLogin is mustLogin with the account and password of s's AdminDSN.
func adminLogin(t *testing.T, s *Server, db string) *sql.DB {
	t.Helper()
	cfg, err := mysql.ParseDSN(s.AdminDSN())
	assert.NilError(t, err)
	return mustLogin(t, s, cfg.User, cfg.Passwd, db)
}

package sqlload

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"
	"gotest.tools/v3/assert"
)

// testServerDSN returns PSFLOW_TEST_MYSQL_DSN. Without it the test fails
// when CI is set and is skipped otherwise.
func testServerDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("PSFLOW_TEST_MYSQL_DSN")
	if dsn == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("PSFLOW_TEST_MYSQL_DSN is not set; CI needs a MySQL or MariaDB server")
		}
		t.Skip("PSFLOW_TEST_MYSQL_DSN is not set")
	}
	return dsn
}

// scratch is a database with a random name, dropped when the test ends.
type scratch struct {
	name  string
	dsn   string
	db    *sql.DB // connected to the scratch database
	admin *sql.DB // connected to the server
}

// newScratch creates a scratch database on the test server.
func newScratch(t testing.TB) *scratch {
	t.Helper()
	cfg, err := mysql.ParseDSN(testServerDSN(t))
	assert.NilError(t, err)
	cfg.MultiStatements, cfg.InterpolateParams, cfg.ParseTime = false, false, true
	cfg.DBName = ""
	admin, err := sql.Open("mysql", cfg.FormatDSN())
	assert.NilError(t, err)
	t.Cleanup(func() { admin.Close() })

	name := "psflow_sqlload_" + strings.ToLower(rand.Text()[:12])
	ctx := context.Background()
	_, err = admin.ExecContext(ctx, fmt.Sprintf("CREATE DATABASE `%s` CHARACTER SET utf8mb4", name))
	assert.NilError(t, err)
	cfg.DBName = name
	db, err := sql.Open("mysql", cfg.FormatDSN())
	assert.NilError(t, err)
	s := &scratch{name: name, dsn: cfg.FormatDSN(), db: db, admin: admin}
	t.Cleanup(func() {
		if err := s.drop(); err != nil {
			t.Errorf("drop scratch database %s: %v", name, err)
		}
	})
	return s
}

// drop closes the scratch database's pool and drops the database; it may
// be called more than once.
func (s *scratch) drop() error {
	s.db.Close()
	_, err := s.admin.ExecContext(context.Background(), fmt.Sprintf("DROP DATABASE IF EXISTS `%s`", s.name))
	return err
}

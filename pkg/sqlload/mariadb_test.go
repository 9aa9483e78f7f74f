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
	name string
	dsn  string
	db   *sql.DB // connected to the scratch database
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
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), fmt.Sprintf("DROP DATABASE IF EXISTS `%s`", name)); err != nil {
			t.Errorf("drop scratch database %s: %v", name, err)
		}
	})
	cfg.DBName = name
	db, err := sql.Open("mysql", cfg.FormatDSN())
	assert.NilError(t, err)
	t.Cleanup(func() { db.Close() })
	return &scratch{name: name, dsn: cfg.FormatDSN(), db: db}
}

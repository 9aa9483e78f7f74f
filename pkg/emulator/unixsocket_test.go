package emulator_test

import (
	"database/sql"
	"net"
	"os"
	"testing"

	"github.com/go-sql-driver/mysql"
	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
)

// Storage reached over a unix socket (--mysql-dsn root@unix(/run/mysqld/mysqld.sock)/) keeps
// branches as over TCP; it runs against PSFLOW_TEST_MYSQL_DSN's server when that is local.
func TestStorageOverAUnixSocket(t *testing.T) {
	dsn := os.Getenv(emulatortest.MySQLDSNEnv)
	if dsn == "" {
		t.Skipf("%s is not set", emulatortest.MySQLDSNEnv)
	}
	cfg, err := mysql.ParseDSN(dsn)
	assert.NilError(t, err)
	if host, _, _ := net.SplitHostPort(cfg.Addr); cfg.Net == "tcp" && host != "127.0.0.1" && host != "localhost" && host != "::1" {
		t.Skipf("the server of %s is not on this machine", emulatortest.MySQLDSNEnv)
	}
	server, err := sql.Open("mysql", dsn)
	assert.NilError(t, err)
	defer server.Close()
	var socket string
	assert.NilError(t, server.QueryRowContext(ctx(t), "SELECT @@socket").Scan(&socket))
	_, err = os.Stat(socket)
	assert.NilError(t, err, "the server's socket")

	unix := cfg.Clone()
	unix.Net, unix.Addr = "unix", socket
	e := emulatortest.Start(t, emulatortest.WithMySQL(unix.FormatDSN()))
	assert.Equal(t, e.Storage().Network(), "unix")
	c := client(t, e)
	createTestBranch(t, c, e, ps.CreateDatabaseBranchRequest{Database: "app", Name: "dev"})
	admin := asSDK(edgePassword(t, e, "dev", map[string]any{"role": "admin"}))
	execAll(t, passwordDB(t, e, admin, "app"), "CREATE TABLE socket_t (id BIGINT NOT NULL PRIMARY KEY)", "INSERT INTO socket_t VALUES (1)")
	var n int
	assert.NilError(t, adminDB(t, e, "app", "dev").QueryRowContext(ctx(t), "SELECT COUNT(*) FROM socket_t").Scan(&n))
	assert.Equal(t, n, 1)
}

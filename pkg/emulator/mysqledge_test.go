package emulator

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	ps "github.com/planetscale/planetscale-go/planetscale"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/poll"
)

// edgePassword creates a password through the raw API, which lets it
// carry cidrs (the SDK's request has none), and returns the answer.
func edgePassword(t *testing.T, e *Emulator, branch string, body map[string]any) passwordView {
	t.Helper()
	status, data := call(t, e, http.MethodPost, dbPath(e, "app")+"/branches/"+branch+"/passwords", body)
	assert.Equal(t, status, http.StatusCreated, string(data))
	var v passwordView
	assert.NilError(t, json.Unmarshal(data, &v))
	return v
}

// asSDK is a password answer in the SDK's type, for passwordDB.
func asSDK(v passwordView) *ps.DatabaseBranchPassword {
	return &ps.DatabaseBranchPassword{Hostname: v.AccessHostURL, Username: v.Username, PlainText: *v.PlainText}
}

// oneConn is a single connection of db, closed with the test.
func oneConn(t *testing.T, db *sql.DB) *sql.Conn {
	t.Helper()
	c, err := db.Conn(ctx(t))
	assert.NilError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func TestMySQLEdgeDatabaseNames(t *testing.T) {
	EachStorage(t, func(t *testing.T, opts ...Option) {
		t.Parallel()
		e := Start(t, opts...)
		c := client(t, e)
		createTestBranch(t, c, e, ps.CreateDatabaseBranchRequest{Database: "app", Name: "dev"})
		admin := asSDK(edgePassword(t, e, "dev", map[string]any{"role": "admin"}))
		devDB, _ := e.BranchDatabase("app", "dev")

		// "the schema name is the database's name, @primary targets the
		// primary, and with one keyspace an unqualified table works with no
		// database selected" (issue 17; vitess SetTarget).
		for i, name := range []string{"app", "@primary", "app@primary", ""} {
			t.Run("connect to "+name, func(t *testing.T) {
				table := fmt.Sprintf("named_%d", i)
				execAll(t, passwordDB(t, e, admin, name), "CREATE TABLE "+table+" (id BIGINT NOT NULL PRIMARY KEY)", "INSERT INTO "+table+" VALUES (1)")
				var n int
				assert.NilError(t, adminDB(t, e, "app", "dev").QueryRowContext(ctx(t), "SELECT COUNT(*) FROM "+table).Scan(&n))
				assert.Equal(t, n, 1)
			})
		}
		for _, name := range []string{"main", "other", "@replica", "app@replica", devDB, "information_schema"} {
			t.Run("refuse "+name, func(t *testing.T) {
				err := passwordDB(t, e, admin, name).PingContext(ctx(t))
				assert.ErrorContains(t, err, "Error 1049 (42000): VT05003: unknown database '"+name+"' in vschema")
			})
		}
		t.Run("USE", func(t *testing.T) {
			conn := oneConn(t, passwordDB(t, e, admin, ""))
			for _, name := range []string{"app", "`app`", "@primary", "`@primary`"} {
				_, err := conn.ExecContext(ctx(t), "USE "+name)
				assert.NilError(t, err, name)
			}
			_, err := conn.ExecContext(ctx(t), "USE nope")
			assert.ErrorContains(t, err, "Error 1049 (42000)")
			_, err = conn.ExecContext(ctx(t), "/* a comment */ use app")
			assert.NilError(t, err)
		})
	})
}

func TestMySQLEdgeTLS(t *testing.T) {
	EachStorage(t, func(t *testing.T, opts ...Option) {
		t.Parallel()
		e := Start(t, opts...)
		pw := asSDK(edgePassword(t, e, "main", map[string]any{"role": "reader"}))
		plain := func(t *testing.T, e *Emulator) *sql.DB {
			cfg := mysql.NewConfig()
			cfg.Net, cfg.Addr, cfg.User, cfg.Passwd, cfg.DBName = "tcp", pw.Hostname, pw.Username, pw.PlainText, "app"
			cfg.Timeout = 5 * time.Second
			return openDB(t, cfg)
		}
		t.Run("verified TLS", func(t *testing.T) {
			var cipher string
			row := oneConn(t, passwordDB(t, e, pw, "app")).QueryRowContext(ctx(t), "SELECT 1")
			assert.NilError(t, row.Scan(&cipher))
		})
		t.Run("plaintext is refused", func(t *testing.T) {
			err := plain(t, e).PingContext(ctx(t))
			assert.ErrorContains(t, err, "server does not allow insecure connections, client must use SSL/TLS")
		})
		t.Run("the system roots do not know the edge", func(t *testing.T) {
			cfg := mysql.NewConfig()
			cfg.Net, cfg.Addr, cfg.User, cfg.Passwd, cfg.TLSConfig = "tcp", pw.Hostname, pw.Username, pw.PlainText, "true"
			cfg.Timeout = 5 * time.Second
			assert.ErrorContains(t, openDB(t, cfg).PingContext(ctx(t)), "certificate")
		})
	})
}

func TestMySQLEdgeInsecure(t *testing.T) {
	t.Parallel()
	e := Start(t, WithInsecureMySQL())
	pw := asSDK(edgePassword(t, e, "main", map[string]any{"role": "reader"}))
	cfg := mysql.NewConfig()
	cfg.Net, cfg.Addr, cfg.User, cfg.Passwd, cfg.DBName = "tcp", pw.Hostname, pw.Username, pw.PlainText, "app"
	assert.NilError(t, openDB(t, cfg).PingContext(ctx(t)), "--insecure-mysql accepts plaintext")
	assert.NilError(t, passwordDB(t, e, pw, "app").PingContext(ctx(t)), "and still offers TLS")
}

func TestMySQLEdgeRolesAndStatements(t *testing.T) {
	EachStorage(t, func(t *testing.T, opts ...Option) {
		t.Parallel()
		e := Start(t, opts...)
		c := client(t, e)
		createTestBranch(t, c, e, ps.CreateDatabaseBranchRequest{Database: "app", Name: "dev"})
		admin := passwordDB(t, e, asSDK(edgePassword(t, e, "dev", map[string]any{"role": "admin"})), "app")
		execAll(t, admin, "CREATE TABLE notes (id BIGINT NOT NULL PRIMARY KEY, body VARCHAR(50))", "INSERT INTO notes VALUES (1, 'one')")

		t.Run("writer modifies rows but cannot read them", func(t *testing.T) {
			w := passwordDB(t, e, asSDK(edgePassword(t, e, "dev", map[string]any{"role": "writer"})), "app")
			execAll(t, w, "INSERT INTO notes VALUES (2, 'two')")
			_, err := w.QueryContext(ctx(t), "SELECT body FROM notes")
			assert.ErrorContains(t, err, "command denied to user") // MySQL and MariaDB: "SELECT command denied"
		})
		t.Run("readwriter reads and writes, runs no DDL", func(t *testing.T) {
			rw := passwordDB(t, e, asSDK(edgePassword(t, e, "dev", map[string]any{"role": "readwriter"})), "app")
			execAll(t, rw, "INSERT INTO notes VALUES (3, 'three')")
			var n int
			assert.NilError(t, rw.QueryRowContext(ctx(t), "SELECT COUNT(*) FROM notes WHERE id = 3").Scan(&n))
			assert.Equal(t, n, 1)
			_, err := rw.ExecContext(ctx(t), "CREATE TABLE nope (id INT PRIMARY KEY)")
			assert.Assert(t, err != nil)
		})
		t.Run("prepared statements", func(t *testing.T) {
			_, err := admin.ExecContext(ctx(t), "INSERT INTO notes (id, body) VALUES (?, ?)", 10, "it's ten")
			assert.NilError(t, err)
			var body string
			assert.NilError(t, admin.QueryRowContext(ctx(t), "SELECT body FROM notes WHERE id = ?", 10).Scan(&body))
			assert.Equal(t, body, "it's ten")
		})
		t.Run("multi statements and results", func(t *testing.T) {
			cfg := mysql.NewConfig()
			pw := asSDK(edgePassword(t, e, "dev", map[string]any{"role": "admin"}))
			cfg.Net, cfg.Addr, cfg.User, cfg.Passwd, cfg.DBName = "tcp", pw.Hostname, pw.Username, pw.PlainText, "app"
			cfg.TLS, cfg.MultiStatements = e.ClientTLS(), true
			db := openDB(t, cfg)
			res, err := db.ExecContext(ctx(t), "INSERT INTO notes VALUES (20, 'a'); INSERT INTO notes VALUES (21, 'b'), (22, ';')")
			assert.NilError(t, err)
			n, err := res.RowsAffected()
			assert.NilError(t, err)
			assert.Equal(t, n, int64(2), "the last statement's count")
			var count int
			assert.NilError(t, db.QueryRowContext(ctx(t), "SELECT COUNT(*) FROM notes WHERE id >= 20").Scan(&count))
			assert.Equal(t, count, 3)
		})
		t.Run("transactions", func(t *testing.T) {
			tx, err := admin.BeginTx(ctx(t), nil)
			assert.NilError(t, err)
			_, err = tx.ExecContext(ctx(t), "INSERT INTO notes VALUES (30, 'rolled back')")
			assert.NilError(t, err)
			assert.NilError(t, tx.Rollback())
			var n int
			assert.NilError(t, admin.QueryRowContext(ctx(t), "SELECT COUNT(*) FROM notes WHERE id = 30").Scan(&n))
			assert.Equal(t, n, 0)
		})
	})
}

func TestMySQLEdgeCIDRsAndTTL(t *testing.T) {
	EachStorage(t, func(t *testing.T, opts ...Option) {
		t.Parallel()
		e := Start(t, opts...)
		t.Run("cidrs are echoed and enforced", func(t *testing.T) {
			far := edgePassword(t, e, "main", map[string]any{"role": "reader", "cidrs": []string{"10.0.0.0/8"}})
			assert.DeepEqual(t, far.CIDRs, []string{"10.0.0.0/8"})
			err := passwordDB(t, e, asSDK(far), "app").PingContext(ctx(t))
			assert.ErrorContains(t, err, "Error 1045 (28000): Access denied for user '"+far.Username+"'")
			near := edgePassword(t, e, "main", map[string]any{"role": "reader", "cidrs": []string{"10.0.0.0/8", "127.0.0.1"}})
			assert.NilError(t, passwordDB(t, e, asSDK(near), "app").PingContext(ctx(t)))
			status, body := call(t, e, http.MethodPost, dbPath(e, "app")+"/branches/main/passwords", map[string]any{"cidrs": []string{"not-an-ip"}})
			assert.Equal(t, status, http.StatusUnprocessableEntity, string(body))
		})
		t.Run("an expired password logs in no more; its open session goes on", func(t *testing.T) {
			pw := asSDK(edgePassword(t, e, "main", map[string]any{"role": "reader", "ttl": 1}))
			held := oneConn(t, passwordDB(t, e, pw, "app"))
			assert.NilError(t, held.PingContext(ctx(t)))
			poll.WaitOn(t, func(poll.LogT) poll.Result {
				err := passwordDB(t, e, pw, "app").PingContext(ctx(t))
				if err == nil {
					return poll.Continue("the expired password still logs in")
				}
				return poll.Success()
			}, poll.WithDelay(100*time.Millisecond), poll.WithTimeout(10*time.Second))
			var one int
			assert.NilError(t, held.QueryRowContext(context.Background(), "SELECT 1").Scan(&one))
		})
	})
}

func TestMySQLEdgeSafeMigrations(t *testing.T) {
	EachStorage(t, func(t *testing.T, opts ...Option) {
		t.Parallel()
		e := Start(t, append(opts, WithSafeMigrations())...)
		conn := oneConn(t, passwordDB(t, e, asSDK(edgePassword(t, e, "main", map[string]any{"role": "admin"})), "app"))
		_, err := conn.ExecContext(ctx(t), "CREATE TABLE t (id BIGINT NOT NULL PRIMARY KEY)")
		assert.NilError(t, err)
		status, _ := call(t, e, http.MethodPost, dbPath(e, "app")+"/branches/main/safe-migrations", nil)
		assert.Equal(t, status, http.StatusOK)
		// The open session follows at once.
		for _, ddl := range []string{"ALTER TABLE t ADD COLUMN v INT", "/* why */ DROP TABLE t", "truncate t", "CREATE TABLE u (id INT PRIMARY KEY)"} {
			_, err = conn.ExecContext(ctx(t), ddl)
			assert.Check(t, is.ErrorContains(err, "Error 1105 (HY000): direct DDL is disabled"), ddl)
		}
		_, err = conn.ExecContext(ctx(t), "INSERT INTO t VALUES (1)")
		assert.NilError(t, err, "rows may still change")
	})
}

func TestMySQLEdgeAdminEndpoint(t *testing.T) {
	t.Parallel()
	e := Start(t)
	status, body := call(t, e, http.MethodGet, "/__emulator/mysql", nil)
	assert.Equal(t, status, http.StatusOK, string(body))
	var v mysqlView
	assert.NilError(t, json.Unmarshal(body, &v))
	assert.Equal(t, v.Address, e.MySQLAddr())
	assert.Equal(t, v.CAFile, e.CAFile())
	assert.Assert(t, v.TLSRequired)
	onDisk, err := os.ReadFile(v.CAFile)
	assert.NilError(t, err)
	assert.Equal(t, string(onDisk), v.CAPEM)
	assert.Assert(t, is.Contains(v.CAPEM, "BEGIN CERTIFICATE"))
}

func TestMySQLEdgeCAFile(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	given := filepath.Join(t.TempDir(), "ca.pem")
	for _, path := range []string{"", given} {
		e, err := New(ctx, Config{Org: "acme", Databases: []string{"app"}, TokenID: "id", Token: "secret", CAFile: path})
		assert.NilError(t, err)
		if path != "" {
			assert.Equal(t, e.CAFile(), path)
		}
		_, err = os.Stat(e.CAFile())
		assert.NilError(t, err)
		assert.NilError(t, e.Close())
		_, err = os.Stat(e.CAFile())
		assert.Equal(t, os.IsNotExist(err), path == "", "a temporary CA file is removed, a given one kept")
	}
}

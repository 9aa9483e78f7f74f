package emulator_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"github.com/psflow/psflow/pkg/emulator/internal/edge"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/poll"
)

// edgePassword creates a password through the raw API, which lets it
// carry cidrs (the SDK's request has none), and returns the answer.
func edgePassword(t *testing.T, e *emulator.Emulator, branch string, body map[string]any) emulator.PasswordView {
	t.Helper()
	status, data := call(t, e, http.MethodPost, dbPath(e, "app")+"/branches/"+branch+"/passwords", body)
	assert.Equal(t, status, http.StatusCreated, string(data))
	var v emulator.PasswordView
	assert.NilError(t, json.Unmarshal(data, &v))
	return v
}

// asSDK is a password answer in the SDK's type, for passwordDB.
func asSDK(v emulator.PasswordView) *ps.DatabaseBranchPassword {
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
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, opts...)
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
		// @replica and app@replica are targets (TestMySQLEdgeReplicas).
		for _, name := range []string{"main", "other", "other@replica", devDB, "information_schema"} {
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
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, opts...)
		pw := asSDK(edgePassword(t, e, "main", map[string]any{"role": "reader"}))
		// dial connects with pw, over TLS configured by tlsCfg or named by
		// tlsName (go-sql-driver's "tls" parameter), or over plaintext.
		dial := func(t *testing.T, tlsCfg *tls.Config, tlsName string) *sql.DB {
			cfg := mysql.NewConfig()
			cfg.Net, cfg.Addr, cfg.User, cfg.Passwd, cfg.DBName = "tcp", pw.Hostname, pw.Username, pw.PlainText, "app"
			cfg.TLS, cfg.TLSConfig, cfg.Timeout = tlsCfg, tlsName, 5*time.Second
			return openDB(t, cfg)
		}
		host, _, err := net.SplitHostPort(e.MySQLAddr())
		assert.NilError(t, err)
		t.Run("verified TLS", func(t *testing.T) {
			// The handshake the driver runs is recorded: a session that
			// answers queries went through it, verified (the chain and the
			// address) against the emulator's CA. SHOW STATUS LIKE
			// 'Ssl_cipher' would tell nothing: the edge relays it, and
			// storage answers for its own plaintext session with the edge.
			var states []tls.ConnectionState
			cfg := e.ClientTLS()
			cfg.VerifyConnection = func(cs tls.ConnectionState) error {
				states = append(states, cs)
				return nil
			}
			var one int
			assert.NilError(t, oneConn(t, dial(t, cfg, "")).QueryRowContext(ctx(t), "SELECT 1").Scan(&one))
			assert.Equal(t, one, 1)
			assert.Assert(t, is.Len(states, 1))
			cs := states[0]
			assert.Check(t, cs.Version >= tls.VersionTLS12, "TLS version %x", cs.Version)
			assert.Check(t, tls.CipherSuiteName(cs.CipherSuite) != "", "cipher suite %x", cs.CipherSuite)
			assert.Assert(t, len(cs.VerifiedChains) > 0, "the certificate was not verified")
			chain := cs.VerifiedChains[0]
			root := chain[len(chain)-1]
			assert.Check(t, is.DeepEqual(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: root.Raw}), e.CAPEM()))
		})
		t.Run("another CA is not trusted", func(t *testing.T) {
			other, err := edge.NewCA([]string{host})
			assert.NilError(t, err)
			assertUnknownCA(t, dial(t, other.ClientConfig(host), "").PingContext(ctx(t)))
		})
		t.Run("plaintext is refused", func(t *testing.T) {
			err := dial(t, nil, "").PingContext(ctx(t))
			assert.ErrorContains(t, err, "server does not allow insecure connections, client must use SSL/TLS")
		})
		t.Run("the system roots do not know the edge", func(t *testing.T) {
			assertUnknownCA(t, dial(t, nil, "true").PingContext(ctx(t)))
		})
	})
}

// assertUnknownCA checks that err is a TLS handshake's refusal of a
// certificate signed by an authority the client does not trust.
func assertUnknownCA(t *testing.T, err error) {
	t.Helper()
	var unknown x509.UnknownAuthorityError
	assert.Assert(t, errors.As(err, &unknown), "want x509.UnknownAuthorityError, got %v", err)
}

func TestMySQLEdgeInsecure(t *testing.T) {
	t.Parallel()
	e := emulatortest.Start(t, emulatortest.WithInsecureMySQL())
	pw := asSDK(edgePassword(t, e, "main", map[string]any{"role": "reader"}))
	cfg := mysql.NewConfig()
	cfg.Net, cfg.Addr, cfg.User, cfg.Passwd, cfg.DBName = "tcp", pw.Hostname, pw.Username, pw.PlainText, "app"
	assert.NilError(t, openDB(t, cfg).PingContext(ctx(t)), "--insecure-mysql accepts plaintext")
	assert.NilError(t, passwordDB(t, e, pw, "app").PingContext(ctx(t)), "and still offers TLS")
}

func TestMySQLEdgeRolesAndStatements(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, opts...)
		c := client(t, e)
		createTestBranch(t, c, e, ps.CreateDatabaseBranchRequest{Database: "app", Name: "dev"})
		admin := passwordDB(t, e, asSDK(edgePassword(t, e, "dev", map[string]any{"role": "admin"})), "app")
		execAll(t, admin, "CREATE TABLE notes (id BIGINT NOT NULL PRIMARY KEY, body VARCHAR(50))", "INSERT INTO notes VALUES (1, 'one')")

		// "Read-only — Can query rows", "Write-only — Can modify rows",
		// "Read/Write — Can query and modify rows", "Admin — All read/write
		// permissions and can modify schema" (planetscale.com/docs/vitess/
		// security/password-roles). Each role works on a table of its own;
		// the writes name no column to read (a writer cannot).
		for _, c := range []struct {
			role             string
			read, write, ddl bool
		}{
			{role: "reader", read: true},
			{role: "writer", write: true},
			{role: "readwriter", read: true, write: true},
			{role: "admin", read: true, write: true, ddl: true},
		} {
			t.Run(c.role, func(t *testing.T) {
				table := "rows_" + c.role
				execAll(t, admin, "CREATE TABLE "+table+" (id BIGINT NOT NULL PRIMARY KEY, body VARCHAR(50))", "INSERT INTO "+table+" VALUES (1, 'one')")
				db := passwordDB(t, e, asSDK(edgePassword(t, e, "dev", map[string]any{"role": c.role})), "app")
				allowed := func(what string, ok bool, err error) {
					t.Helper()
					if ok {
						assert.Check(t, err, what)
						return
					}
					// MySQL, MariaDB and go-mysql-server: "<STATEMENT> command denied to user …"
					assert.Check(t, is.ErrorContains(err, "command denied to user"), what)
				}
				var body string
				allowed("SELECT", c.read, db.QueryRowContext(ctx(t), "SELECT body FROM "+table).Scan(&body))
				for _, stmt := range []string{
					"INSERT INTO " + table + " VALUES (2, 'two')",
					"UPDATE " + table + " SET body = 'changed'",
					"DELETE FROM " + table,
				} {
					_, err := db.ExecContext(ctx(t), stmt)
					allowed(stmt, c.write, err)
				}
				for _, stmt := range []string{
					"CREATE TABLE " + table + "_new (id INT PRIMARY KEY)",
					"ALTER TABLE " + table + " ADD COLUMN extra INT",
					"DROP TABLE " + table,
				} {
					_, err := db.ExecContext(ctx(t), stmt)
					allowed(stmt, c.ddl, err)
				}
				var n int
				assert.NilError(t, admin.QueryRowContext(ctx(t), "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?", table).Scan(&n))
				assert.Check(t, is.Equal(n == 0, c.ddl), "the table is dropped only by a role that may")
			})
		}
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
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, opts...)
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
				var me *mysql.MySQLError
				switch {
				case err == nil:
					return poll.Continue("the expired password still logs in")
				case !errors.As(err, &me) || me.Number != 1045:
					return poll.Error(fmt.Errorf("want access denied (1045), got %w", err))
				}
				return poll.Success()
			}, poll.WithDelay(100*time.Millisecond), poll.WithTimeout(10*time.Second))
			err := passwordDB(t, e, pw, "app").PingContext(ctx(t))
			assert.ErrorContains(t, err, "Error 1045 (28000): Access denied for user '"+pw.Username+"'")
			var one int
			assert.NilError(t, held.QueryRowContext(context.Background(), "SELECT 1").Scan(&one))
		})
	})
}

func TestMySQLEdgeSafeMigrations(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, append(opts, emulatortest.WithSafeMigrations())...)
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
	e := emulatortest.Start(t)
	status, body := call(t, e, http.MethodGet, "/__emulator/mysql", nil)
	assert.Equal(t, status, http.StatusOK, string(body))
	var v emulator.MySQLView
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
		e, err := emulator.New(ctx, emulator.Config{Org: "acme", Databases: []string{"app"}, TokenID: "id", Token: "secret", CAFile: path})
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

package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
	"gotest.tools/v3/poll"
)

// syncBuffer is a bytes.Buffer safe to write from one goroutine and read
// from another.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var urlLine = regexp.MustCompile(`export PLANETSCALE_API_URL=(\S+) PLANETSCALE_ORG=(\S+) PLANETSCALE_SERVICE_TOKEN_ID=(\S+) PSFLOW_MYSQL_CA=(\S+) PSFLOW_DATABASE=(\S+)\n`)

// waitForURL waits until the serve line is printed and returns its URL.
func waitForURL(t *testing.T, out func() string) string {
	t.Helper()
	var url string
	poll.WaitOn(t, func(poll.LogT) poll.Result {
		m := urlLine.FindStringSubmatch(out())
		if m == nil {
			return poll.Continue("no serve line yet")
		}
		url = m[1]
		return poll.Success()
	}, poll.WithDelay(20*time.Millisecond), poll.WithTimeout(2*time.Minute))
	return url
}

func TestServe(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		var cfg emulator.Config
		for _, o := range opts {
			assert.NilError(t, o(&cfg))
		}
		env := map[string]string{
			"PSFLOW_EMULATOR_TOKEN_ID":  "tok-id",
			"PSFLOW_EMULATOR_TOKEN":     "tok-secret",
			"PSFLOW_EMULATOR_ORG":       "acme",
			"PSFLOW_EMULATOR_MYSQL_DSN": cfg.MySQLDSN,
			"PSFLOW_EMULATOR_DATABASE":  "ignored-because-the-flag-wins",
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var stdout, stderr syncBuffer
		done := make(chan error, 1)
		go func() {
			done <- realMain(ctx, []string{"serve", "--listen", "127.0.0.1:0", "--database", "app", "--database", "billing", "--timings", "fast"},
				func(k string) string { return env[k] }, &stdout, &stderr)
		}()
		url := waitForURL(t, stdout.String)
		assert.Assert(t, is.Regexp(`^http://127\.0\.0\.1:[0-9]+$`, url))
		assert.Assert(t, !strings.Contains(stdout.String(), "tok-secret"), "the secret was printed")
		assert.Equal(t, strings.Count(stdout.String(), "\n"), 1)

		c, err := ps.NewClient(ps.WithBaseURL(url), ps.WithServiceToken("tok-id", "tok-secret"))
		assert.NilError(t, err)
		dbs, err := c.Databases.List(context.Background(), &ps.ListDatabasesRequest{Organization: "acme"})
		assert.NilError(t, err)
		assert.Equal(t, len(dbs), 2)
		assert.Equal(t, dbs[1].Name, "billing")
		line := urlLine.FindStringSubmatch(stdout.String())
		assert.Equal(t, line[5], "app", "PSFLOW_DATABASE is the first database")
		checkMySQL(t, c, line[4])

		cancel()
		select {
		case err := <-done:
			assert.NilError(t, err)
		case <-time.After(time.Minute):
			t.Fatal("serve did not stop after cancel")
		}
		assert.Assert(t, is.Contains(stderr.String(), "shutting down"))
		_, err = c.Databases.List(context.Background(), &ps.ListDatabasesRequest{Organization: "acme"})
		assert.Assert(t, err != nil, "still serving after shutdown")
	})
}

// checkMySQL connects to the MySQL edge with a new password, over TLS
// verified with the CA in caFile, and creates a table in billing.
func checkMySQL(t *testing.T, c *ps.Client, caFile string) {
	t.Helper()
	branchExec(t, c, caFile, "billing", "main", "CREATE TABLE invoices (id BIGINT NOT NULL PRIMARY KEY)")
}

// branchExec runs stmt on a branch through the MySQL edge, with a new
// admin password, over TLS verified with the CA in caFile.
func branchExec(t *testing.T, c *ps.Client, caFile, database, branch, stmt string) {
	t.Helper()
	pw, err := c.Passwords.Create(context.Background(), &ps.DatabaseBranchPasswordRequest{Organization: "acme", Database: database, Branch: branch, Role: "admin"})
	assert.NilError(t, err)
	pem, err := os.ReadFile(caFile)
	assert.NilError(t, err)
	pool := x509.NewCertPool()
	assert.Assert(t, pool.AppendCertsFromPEM(pem))
	host, _, err := net.SplitHostPort(pw.Hostname)
	assert.NilError(t, err)
	cfg := mysql.NewConfig()
	cfg.Net, cfg.Addr, cfg.User, cfg.Passwd, cfg.DBName = "tcp", pw.Hostname, pw.Username, pw.PlainText, database
	cfg.TLS = &tls.Config{RootCAs: pool, ServerName: host, MinVersion: tls.VersionTLS12}
	connector, err := mysql.NewConnector(cfg)
	assert.NilError(t, err)
	db := sql.OpenDB(connector)
	defer db.Close()
	_, err = db.Exec(stmt)
	assert.NilError(t, err)
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"no command", nil, nil, "name a command"},
		{"unknown command", []string{"server"}, nil, `unknown command "server"`},
		{"no token", []string{"serve"}, nil, "--token-id and --token"},
		{"bad profile", []string{"serve", "--token-id", "a", "--token", "b", "--timings", "slow"}, nil, "unknown timing profile"},
		{"bad scale", []string{"serve", "--token-id", "a", "--token", "b", "--time-scale", "0"}, nil, "--time-scale"},
		{"bad rate limit env", []string{"serve", "--token-id", "a", "--token", "b"}, map[string]string{"PSFLOW_EMULATOR_RATE_LIMIT": "many"}, "PSFLOW_EMULATOR_RATE_LIMIT"},
		{"extra argument", []string{"serve", "now"}, nil, "unexpected arguments"},
		{"unknown access", []string{"serve", "--token-id", "a", "--token", "b", "--token-access", "create_branch,drop_everything"}, nil, `--token-access "drop_everything"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			err := realMain(context.Background(), tc.args, func(k string) string { return tc.env[k] }, &stdout, &stderr)
			assert.Assert(t, errors.Is(err, errUsage), "%v", err)
			assert.ErrorContains(t, err, tc.want)
		})
	}
}

func TestHelp(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	assert.NilError(t, realMain(context.Background(), []string{"help"}, os.Getenv, &stdout, &stderr))
	assert.Assert(t, is.Contains(stdout.String(), "serve"))
	assert.NilError(t, realMain(context.Background(), []string{"serve", "--help"}, os.Getenv, &stdout, &stderr))
	assert.Assert(t, is.Contains(stderr.String(), "-rate-limit"))
}

func TestSIGTERMShutsDownGracefully(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "psflow-emulator")
	build := exec.Command("go", "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	assert.NilError(t, err, string(out))

	cmd := icmd.Command(bin, "serve", "--listen", "127.0.0.1:0")
	cmd.Env = []string{"PSFLOW_EMULATOR_TOKEN_ID=id", "PSFLOW_EMULATOR_TOKEN=secret", "PATH=/usr/bin:/bin"}
	res := icmd.StartCmd(cmd)
	assert.NilError(t, res.Error)
	waitForURL(t, res.Stdout)
	assert.NilError(t, res.Cmd.Process.Signal(syscall.SIGTERM))
	res = icmd.WaitOnCmd(time.Minute, res)
	res.Assert(t, icmd.Success)
	assert.Assert(t, is.Contains(res.Stderr(), "shutting down"))
}

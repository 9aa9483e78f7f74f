package emulator_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/pkg/emulator"
	"gotest.tools/v3/assert"
	"gotest.tools/v3/poll"
)

// client is the official SDK pointed at the emulator.
func client(t *testing.T, e *emulator.Emulator) *ps.Client {
	t.Helper()
	c, err := ps.NewClient(ps.WithBaseURL(e.URL()), ps.WithServiceToken(e.TokenID(), e.Token()))
	assert.NilError(t, err)
	return c
}

// ctx is a test context with a deadline.
func ctx(t *testing.T) context.Context {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return c
}

// call sends a raw API request with the emulator's token and returns the
// status and body.
func call(t *testing.T, e *emulator.Emulator, method, path string, body any) (int, []byte) {
	t.Helper()
	return callWith(t, e, method, path, body, e.TokenID()+":"+e.Token())
}

// callWith sends a raw request with the given Authorization header (none
// when empty).
func callWith(t *testing.T, e *emulator.Emulator, method, path string, body any, auth string) (int, []byte) {
	t.Helper()
	res := doRequest(t, e, method, path, body, auth)
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	assert.NilError(t, err)
	return res.StatusCode, data
}

// doRequest sends a raw request and returns the response; the caller
// closes its body.
func doRequest(t *testing.T, e *emulator.Emulator, method, path string, body any, auth string) *http.Response {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		r = bytes.NewReader(b)
	default:
		data, err := json.Marshal(body)
		assert.NilError(t, err)
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx(t), method, e.URL()+path, r)
	assert.NilError(t, err)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	assert.NilError(t, err)
	return res
}

// apiErr decodes an API error body.
func apiErr(t *testing.T, body []byte) emulator.ErrorBody {
	t.Helper()
	var eb emulator.ErrorBody
	assert.NilError(t, json.Unmarshal(body, &eb), string(body))
	return eb
}

// sdkCode is the SDK's error code of err, or "" when it is not an SDK error.
func sdkCode(err error) ps.ErrorCode {
	var pe *ps.Error
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// dbPath is the API path of the test database.
func dbPath(e *emulator.Emulator, db string) string {
	return "/v1/organizations/" + e.Org() + "/databases/" + db
}

// adminDB opens the storage server as admin, on a branch's database.
func adminDB(t *testing.T, e *emulator.Emulator, database, branch string) *sql.DB {
	t.Helper()
	name, ok := e.BranchDatabase(database, branch)
	assert.Assert(t, ok, "branch %s/%s", database, branch)
	cfg := mustParseAdmin(t, e)
	cfg.DBName = name
	return openDB(t, cfg)
}

// mustParseAdmin parses the storage admin DSN.
func mustParseAdmin(t *testing.T, e *emulator.Emulator) *mysql.Config {
	t.Helper()
	cfg, err := mysql.ParseDSN(e.AdminDSN())
	assert.NilError(t, err)
	return cfg
}

// passwordDB connects with a password the API returned, to the host it gave, over TLS verified
// with the edge's CA, naming database ("app", "@primary", "" for none…).
func passwordDB(t *testing.T, e *emulator.Emulator, pw *ps.DatabaseBranchPassword, database string) *sql.DB {
	t.Helper()
	cfg := mysql.NewConfig()
	cfg.Net, cfg.Addr = "tcp", pw.Hostname
	cfg.User, cfg.Passwd = pw.Username, pw.PlainText
	cfg.DBName = database
	cfg.TLS = e.ClientTLS()
	cfg.Timeout = 5 * time.Second
	return openDB(t, cfg)
}

func openDB(t *testing.T, cfg *mysql.Config) *sql.DB {
	t.Helper()
	connector, err := mysql.NewConnector(cfg)
	assert.NilError(t, err)
	db := sql.OpenDB(connector)
	db.SetMaxIdleConns(0)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// execAll runs statements on db, failing the test on the first error.
func execAll(t *testing.T, db *sql.DB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		_, err := db.ExecContext(ctx(t), s)
		assert.NilError(t, err, s)
	}
}

// tableNames lists the tables of a branch, as the API's schema shows them.
func tableNames(t *testing.T, c *ps.Client, e *emulator.Emulator, database, branch string) []string {
	t.Helper()
	files, err := c.DatabaseBranches.Schema(ctx(t), &ps.BranchSchemaRequest{Organization: e.Org(), Database: database, Branch: branch})
	assert.NilError(t, err)
	names := []string{}
	for _, f := range files {
		names = append(names, f.Name)
	}
	return names
}

// createTestBranch creates a branch through the SDK and waits until it is
// ready.
func createTestBranch(t *testing.T, c *ps.Client, e *emulator.Emulator, req ps.CreateDatabaseBranchRequest) *ps.DatabaseBranch {
	t.Helper()
	req.Organization = e.Org()
	b, err := c.DatabaseBranches.Create(ctx(t), &req)
	assert.NilError(t, err)
	poll.WaitOn(t, func(poll.LogT) poll.Result {
		got, err := c.DatabaseBranches.Get(ctx(t), &ps.GetDatabaseBranchRequest{Organization: e.Org(), Database: req.Database, Branch: req.Name})
		if err != nil {
			return poll.Error(err)
		}
		if !got.Ready {
			return poll.Continue("branch %s not ready", req.Name)
		}
		return poll.Success()
	}, poll.WithDelay(10*time.Millisecond), poll.WithTimeout(30*time.Second))
	return b
}

// containsAll reports whether s contains every one of subs.
func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

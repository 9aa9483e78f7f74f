package emulator_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	ps "github.com/planetscale/planetscale-go/planetscale"
	psdbpb "github.com/planetscale/psdb/types/psdb/v1alpha1"
	querypb "github.com/planetscale/vitess-types/gen/vitess/query/v21"
	vtrpcpb "github.com/planetscale/vitess-types/gen/vitess/vtrpc/v21"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// TestSQLAPITypesAndBindVariables writes every common type through bind variables, as `pscale
// connect` relays a prepared statement, and reads it back as MySQL and @planetscale/database do.
func TestSQLAPITypesAndBindVariables(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, append(opts, emulatortest.WithSniff(apiSniff))...)
		createTestBranch(t, client(t, e), e, ps.CreateDatabaseBranchRequest{Database: "app", Name: "dev"})
		api := sqlAPIFor(t, e, edgePassword(t, e, "dev", map[string]any{"role": "admin"}))

		api.run(t, "CREATE TABLE kinds (id BIGINT AUTO_INCREMENT PRIMARY KEY, i INT, u INT UNSIGNED, d DECIMAL(10,2), f DOUBLE, dt DATETIME, day DATE, j JSON, b BLOB, v VARCHAR(20), n INT NULL)")
		insert := "INSERT INTO kinds (i, u, d, f, dt, day, j, b, v) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
		vars := map[string]*querypb.BindVariable{
			"v1": bindVar(querypb.Type_INT64, "-5"), "v2": bindVar(querypb.Type_UINT64, "7"),
			"v3": bindVar(querypb.Type_DECIMAL, "12.50"), "v4": bindVar(querypb.Type_FLOAT64, "1.5"),
			"v5": bindVar(querypb.Type_DATETIME, "2026-12-07 10:11:12"), "v6": bindVar(querypb.Type_DATE, "2026-12-07"),
			"v7": bindVar(querypb.Type_VARCHAR, `{"a": [1, 2]}`), "v8": bindVar(querypb.Type_VARBINARY, "\x00\xff'"),
			"v9": bindVar(querypb.Type_VARCHAR, "hé'llo"),
		}
		for want := uint64(1); want <= 2; want++ {
			res := api.execute(t, insert, vars)
			assert.Assert(t, res.Error == nil, "%v", res.Error)
			assert.Equal(t, res.Result.RowsAffected, uint64(1))
			assert.Equal(t, res.Result.InsertId, want)
		}

		res := api.execute(t, "SELECT * FROM kinds WHERE id = :id", map[string]*querypb.BindVariable{"id": bindVar(querypb.Type_INT64, "2")})
		assert.Assert(t, res.Error == nil, "%v", res.Error)
		r := res.Result
		assert.Equal(t, r.RowsAffected, uint64(0), "a result set affects no rows")
		assert.Assert(t, is.Len(r.Rows, 1))
		got := map[string]string{}
		types := map[string]querypb.Type{}
		for i, v := range rowValues(r.Rows[0]) {
			f := r.Fields[i]
			assert.Equal(t, f.Database, "app", "the database by its PlanetScale name")
			types[f.Name] = f.Type
			if v == nil {
				got[f.Name] = "NULL"
				continue
			}
			got[f.Name] = string(v)
		}
		assert.DeepEqual(t, got, map[string]string{
			"id": "2", "i": "-5", "u": "7", "d": "12.50", "f": "1.5", "dt": "2026-12-07 10:11:12", "day": "2026-12-07",
			"j": `{"a": [1, 2]}`, "b": "\x00\xff'", "v": "hé'llo", "n": "NULL",
		})
		wantTypes := map[string]querypb.Type{
			"id": querypb.Type_INT64, "i": querypb.Type_INT32, "u": querypb.Type_UINT32, "d": querypb.Type_DECIMAL,
			"f": querypb.Type_FLOAT64, "dt": querypb.Type_DATETIME, "day": querypb.Type_DATE, "b": querypb.Type_BLOB,
			"v": querypb.Type_VARCHAR, "n": querypb.Type_INT32,
			// MariaDB's JSON is LONGTEXT: its column reads as text.
			"j": map[bool]querypb.Type{true: querypb.Type_JSON, false: querypb.Type_BLOB}[e.Storage().Embedded()],
		}
		assert.DeepEqual(t, types, wantTypes)
		assert.Equal(t, fieldNamed(r, "b").Charset, uint32(63), "a blob is binary (@planetscale/database casts charset 63 to bytes)")
		assert.Assert(t, fieldNamed(r, "v").Charset != 63)
	})
}

// TestSQLAPISessionsHoldTransactions: a transaction holds across one session's calls, which report
// it; a call without a session opens its own, as @planetscale/database calls.
func TestSQLAPISessionsHoldTransactions(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, append(opts, emulatortest.WithSniff(apiSniff))...)
		createTestBranch(t, client(t, e), e, ps.CreateDatabaseBranchRequest{Database: "app", Name: "dev"})
		pw := edgePassword(t, e, "dev", map[string]any{"role": "admin"})
		api := sqlAPIFor(t, e, pw)
		api.run(t, "CREATE TABLE items (id INT PRIMARY KEY)")
		first := api.session.GetSignature()

		api.run(t, "BEGIN")
		vs := api.session.GetVitessSession()
		assert.Assert(t, vs.GetInTransaction())
		assert.Assert(t, vs.GetAutocommit())
		assert.DeepEqual(t, api.session.GetSignature(), first)
		api.run(t, "INSERT INTO items VALUES (1)")
		assert.Equal(t, apiCount(t, api, "items"), "1")
		api.run(t, "ROLLBACK")
		assert.Assert(t, !api.session.GetVitessSession().GetInTransaction())
		assert.Equal(t, apiCount(t, api, "items"), "0")

		api.run(t, "SET autocommit = 0")
		assert.Assert(t, !api.session.GetVitessSession().GetAutocommit())
		api.run(t, "INSERT INTO items VALUES (2)")
		assert.Assert(t, api.session.GetVitessSession().GetInTransaction())
		api.run(t, "COMMIT")

		other := sqlAPIFor(t, e, pw)
		assert.Equal(t, apiCount(t, other, "items"), "1")
		assert.Assert(t, !bytes.Equal(other.session.GetSignature(), first), "a call without a session opens its own")
	})
}

// TestSQLAPIRulesAreTheEdgesRules: roles, safe migrations and database
// names are refused through the API with the MySQL edge's own words.
func TestSQLAPIRulesAreTheEdgesRules(t *testing.T) {
	e := emulatortest.Start(t, emulatortest.WithSafeMigrations("main"), emulatortest.WithSniff(apiSniff))
	createTestBranch(t, client(t, e), e, ps.CreateDatabaseBranchRequest{Database: "app", Name: "dev"})
	admin := edgePassword(t, e, "main", map[string]any{"role": "admin"})
	reader := edgePassword(t, e, "dev", map[string]any{"role": "reader"})
	for _, tc := range []struct {
		name  string
		pw    emulator.PasswordView
		query string
		code  vtrpcpb.Code
	}{
		{"reader writes", reader, "CREATE TABLE t (id INT PRIMARY KEY)", vtrpcpb.Code_PERMISSION_DENIED},
		{"direct DDL with safe migrations", admin, "CREATE TABLE t (id INT PRIMARY KEY)", vtrpcpb.Code_UNKNOWN},
		{"unknown database", admin, "USE other", vtrpcpb.Code_NOT_FOUND},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, edgeErr := passwordDB(t, e, asSDK(tc.pw), "").ExecContext(ctx(t), tc.query)
			me := mysqlError(t, edgeErr)
			res := sqlAPIFor(t, e, tc.pw).execute(t, tc.query, nil)
			assert.Assert(t, res.Error != nil)
			assert.Equal(t, res.Error.Code, tc.code)
			want := me.Message
			if !strings.Contains(want, "(errno ") {
				want += fmt.Sprintf(" (errno %d) (sqlstate %s)", me.Number, string(me.SQLState[:]))
			}
			assert.Equal(t, res.Error.Message, want)
		})
	}
	t.Run("USE a target", func(t *testing.T) {
		api := sqlAPIFor(t, e, admin)
		api.run(t, "USE `app@primary`")
		assert.Equal(t, api.session.GetVitessSession().GetTargetString(), "app@primary")
	})
}

// TestSQLAPILogin: the API logs in as the MySQL edge does, and answers a
// refusal in a body both clients read.
func TestSQLAPILogin(t *testing.T) {
	e := emulatortest.Start(t, emulatortest.WithSniff(apiSniff))
	createTestBranch(t, client(t, e), e, ps.CreateDatabaseBranchRequest{Database: "app", Name: "dev"})
	pw := edgePassword(t, e, "dev", map[string]any{"role": "admin"})
	short := edgePassword(t, e, "dev", map[string]any{"role": "admin", "ttl": 1})
	elsewhere := edgePassword(t, e, "dev", map[string]any{"role": "admin", "cidrs": []string{"10.0.0.0/8"}})

	t.Run("wrong password", func(t *testing.T) {
		api := sqlAPIAs(t, e, pw.AccessHostURL, pw.Username, "nope")
		_, err := api.db.Execute(ctx(t), connect.NewRequest(&psdbpb.ExecuteRequest{Query: "SELECT 1"}))
		assert.Equal(t, connect.CodeOf(err), connect.CodeUnauthenticated)
		assert.ErrorContains(t, err, "Access denied for user '"+pw.Username+"'")
	})
	t.Run("outside the cidrs", func(t *testing.T) {
		_, err := sqlAPIFor(t, e, elsewhere).db.Execute(ctx(t), connect.NewRequest(&psdbpb.ExecuteRequest{Query: "SELECT 1"}))
		assert.Equal(t, connect.CodeOf(err), connect.CodeUnauthenticated)
	})
	t.Run("expired", func(t *testing.T) {
		api := sqlAPIFor(t, e, short)
		api.run(t, "SELECT 1")
		time.Sleep(time.Until(parseAPITime(t, *short.ExpiresAt)) + 50*time.Millisecond)
		_, err := api.db.Execute(ctx(t), connect.NewRequest(&psdbpb.ExecuteRequest{Session: api.session, Query: "SELECT 1"}))
		assert.Equal(t, connect.CodeOf(err), connect.CodeUnauthenticated)
	})
	t.Run("another password's session", func(t *testing.T) {
		mine := sqlAPIFor(t, e, pw)
		mine.run(t, "SELECT 1")
		other := edgePassword(t, e, "dev", map[string]any{"role": "admin"})
		_, err := sqlAPIFor(t, e, other).db.Execute(ctx(t), connect.NewRequest(&psdbpb.ExecuteRequest{Session: mine.session, Query: "SELECT 1"}))
		assert.Equal(t, connect.CodeOf(err), connect.CodePermissionDenied)
	})
	t.Run("JSON body", func(t *testing.T) {
		// @planetscale/database's request, and the body it reads a refusal from.
		req, err := http.NewRequestWithContext(ctx(t), http.MethodPost, "https://"+pw.AccessHostURL+"/psdb.v1alpha1.Database/Execute", strings.NewReader(`{"query":"SELECT 1","session":null}`))
		assert.NilError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.SetBasicAuth(pw.Username, "nope")
		resp, err := (&http.Client{Transport: &http.Transport{TLSClientConfig: e.ClientTLS()}}).Do(req)
		assert.NilError(t, err)
		defer resp.Body.Close()
		assert.Equal(t, resp.StatusCode, http.StatusUnauthorized)
		var body struct {
			Code  string                         `json:"code"`
			Error struct{ Code, Message string } `json:"error"`
		}
		assert.NilError(t, json.NewDecoder(resp.Body).Decode(&body))
		assert.Equal(t, body.Code, "unauthenticated")
		assert.Equal(t, body.Error.Code, "unauthenticated")
		assert.Assert(t, is.Contains(body.Error.Message, "Access denied"))
	})
}

// apiSniff gives a TLS client on a loaded machine time to speak first.
const apiSniff = 250 * time.Millisecond

func bindVar(typ querypb.Type, value string) *querypb.BindVariable {
	return &querypb.BindVariable{Type: typ, Value: []byte(value)}
}

// rowValues splits a row as clients do: lengths, -1 for NULL, over one
// byte string.
func rowValues(r *querypb.Row) [][]byte {
	out := make([][]byte, len(r.Lengths))
	at := 0
	for i, n := range r.Lengths {
		if n < 0 {
			continue
		}
		out[i] = r.Values[at : at+int(n)]
		at += int(n)
	}
	return out
}

func fieldNamed(r *querypb.QueryResult, name string) *querypb.Field {
	for _, f := range r.Fields {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// apiCount is SELECT COUNT(*) of table, as text.
func apiCount(t *testing.T, api *sqlAPIClient, table string) string {
	t.Helper()
	r := api.run(t, "SELECT COUNT(*) FROM "+table)
	return string(rowValues(r.Rows[0])[0])
}

func parseAPITime(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339Nano, s)
	assert.NilError(t, err)
	return at
}

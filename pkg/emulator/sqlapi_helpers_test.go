package emulator_test

import (
	"crypto/x509"
	"testing"

	"connectrpc.com/connect"
	"github.com/planetscale/psdb/auth"
	psdbclient "github.com/planetscale/psdb/core/client"
	psdbpb "github.com/planetscale/psdb/types/psdb/v1alpha1"
	"github.com/planetscale/psdb/types/psdb/v1alpha1/psdbv1alpha1connect"
	querypb "github.com/planetscale/vitess-types/gen/vitess/query/v21"
	"github.com/psflow/psflow/pkg/emulator"
	"gotest.tools/v3/assert"
)

// sqlAPIClient is psdb's client (what `pscale connect` relays through) on the HTTP SQL API, logged
// in with one password, with the session it carries from call to call.
type sqlAPIClient struct {
	db      psdbv1alpha1connect.DatabaseClient
	session *psdbpb.Session
}

// sqlAPIFor is a client of the API at the password's access_host_url,
// trusting the emulator's CA only.
func sqlAPIFor(t *testing.T, e *emulator.Emulator, pw emulator.PasswordView) *sqlAPIClient {
	t.Helper()
	return sqlAPIAs(t, e, pw.AccessHostURL, pw.Username, *pw.PlainText)
}

func sqlAPIAs(t *testing.T, e *emulator.Emulator, host, user, password string) *sqlAPIClient {
	t.Helper()
	roots := x509.NewCertPool()
	assert.Assert(t, roots.AppendCertsFromPEM(e.CAPEM()))
	db := psdbclient.New(host, psdbv1alpha1connect.NewDatabaseClient, auth.NewBasicAuth(user, password),
		psdbclient.WithTLSConfig(psdbclient.TLSConfigWithCertPool(roots)))
	return &sqlAPIClient{db: db}
}

// execute runs query with vars in the client's session and keeps the
// session the answer carries.
func (c *sqlAPIClient) execute(t *testing.T, query string, vars map[string]*querypb.BindVariable) *psdbpb.ExecuteResponse {
	t.Helper()
	res, err := c.db.Execute(ctx(t), connect.NewRequest(&psdbpb.ExecuteRequest{Session: c.session, Query: query, BindVariables: vars}))
	assert.NilError(t, err)
	c.session = res.Msg.GetSession()
	assert.Assert(t, c.session.GetVitessSession().GetOptions() != nil, "psdbproxy drops a connection whose session has no options")
	return res.Msg
}

// run executes query and fails the test on a SQL error.
func (c *sqlAPIClient) run(t *testing.T, query string) *querypb.QueryResult {
	t.Helper()
	res := c.execute(t, query, nil)
	assert.Assert(t, res.Error == nil, "%s: %v", query, res.Error)
	return res.Result
}

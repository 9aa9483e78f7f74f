package planetscale

import (
	"context"
	"net/http"
	"testing"
	"time"

	"gotest.tools/v3/assert"
)

func TestAccessFor(t *testing.T) {
	t.Parallel()
	const db = "https://api.planetscale.com/v1/organizations/acme/databases/app"
	cases := []struct {
		method, path, access string
	}{
		{"DELETE", db + "/branches/pr-1", "delete_branch"},
		{"POST", db + "/branches", "create_branch"},
		{"GET", db + "/branches/pr-1", "read_branch"},
		{"POST", db + "/branches/pr-1/passwords", "connect_branch (connect_production_branch for a production branch)"},
		{"POST", db + "/deploy-requests/7/deploy", "create_deploy_request"},
		{"POST", db + "/deploy-requests/7/apply-deploy", "create_deploy_request"},
		{"POST", db + "/deploy-requests/7/reviews", "review_deploy_request"},
		{"GET", db + "/deploy-requests/7/reviews", "read_deploy_request"},
		{"GET", db + "/deploy-requests/7/deployment", "read_deploy_request"},
		{"GET", db, "read_database"},
		{"GET", "/v1/organizations/acme", ""},
		{"PUT", db + "/branches/pr-1", ""},
		{"GET", "/elsewhere", ""},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			t.Parallel()
			access, database := AccessFor(c.method, c.path)
			assert.Equal(t, access, c.access)
			if c.access != "" {
				assert.Equal(t, database, "app")
			}
		})
	}
}

// A 404 names the access the endpoint needs and how to grant it.
func TestNotFoundNamesTheAccess(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"code":"not_found","message":"Not Found"}`))
	}, RetryPolicy{Initial: time.Millisecond, Max: time.Millisecond, MaxElapsed: time.Millisecond, AttemptTimeout: time.Second})
	err := c.DeleteBranch(context.Background(), "app", "pr-1")
	assert.Assert(t, IsKind(err, KindNotFound))
	assert.Error(t, err, "delete branch pr-1 of acme/app: not found (HTTP 404 not_found): Not Found; "+
		"if it exists, the service token may lack the delete_branch access: grant it on database app "+
		"(pscale service-token add-access <SERVICE_TOKEN_ID> delete_branch --database app)")
}

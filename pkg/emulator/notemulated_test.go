package emulator_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// TestSpecRoutesAreTheOfficialOnes checks specroutes.txt against the official description where
// ../shared/reference/ is beside the checkout; PSFLOW_UPDATE_SPEC_ROUTES=1 rewrites it.
func TestSpecRoutesAreTheOfficialOnes(t *testing.T) {
	t.Parallel()
	file := filepath.Join(referenceDir(t), "planetscale-openapi.yaml")
	data, err := os.ReadFile(file)
	if os.IsNotExist(err) {
		t.Skipf("no reference beside the checkout (%s): specroutes.txt is checked against nothing", file)
	}
	assert.NilError(t, err)
	spec, err := parseSpec(data)
	assert.NilError(t, err)
	var b strings.Builder
	for _, o := range spec.ops {
		b.WriteString(o.Method + " " + o.Path + "\n")
	}
	if os.Getenv("PSFLOW_UPDATE_SPEC_ROUTES") == "1" {
		assert.NilError(t, os.WriteFile("specroutes.txt", []byte(b.String()), 0o644))
		return
	}
	assert.Equal(t, emulator.SpecRoutesText, b.String(), "specroutes.txt is stale: run PSFLOW_UPDATE_SPEC_ROUTES=1 go test -run TestSpecRoutesAreTheOfficialOnes ./pkg/emulator/")
}

// TestUnimplementedRoutesSayNotEmulated: an official route the emulator lacks answers 501
// naming the operation (issue 24, item 10); a path the API lacks stays 404 not_found.
func TestUnimplementedRoutesSayNotEmulated(t *testing.T) {
	t.Parallel()
	e := emulatortest.Start(t)
	org := "/v1/organizations/" + e.Org()
	for _, tc := range []struct {
		method, path, route string
	}{
		{"POST", dbPath(e, "app") + "/branches/main/demote", "/organizations/{organization}/databases/{database}/branches/{branch}/demote"},
		{"POST", dbPath(e, "app") + "/deploy-requests/1/force-cutover", "/organizations/{organization}/databases/{database}/deploy-requests/{number}/force-cutover"},
		{"PUT", dbPath(e, "app") + "/branches/main/safe-migrations", "/organizations/{organization}/databases/{database}/branches/{branch}/safe-migrations"},
		{"POST", dbPath(e, "app") + "/branches/main/roles/abc/renew", "/organizations/{organization}/databases/{database}/branches/{branch}/roles/{id}/renew"},
		{"PATCH", dbPath(e, "app") + "/branches/main/passwords/abc", "/organizations/{organization}/databases/{database}/branches/{branch}/passwords/{id}"},
		{"GET", dbPath(e, "app") + "/webhooks", "/organizations/{organization}/databases/{database}/webhooks"},
	} {
		status, body := call(t, e, tc.method, tc.path, nil)
		assert.Equal(t, status, http.StatusNotImplemented, "%s %s: %s", tc.method, tc.path, body)
		eb := apiErr(t, body)
		assert.Equal(t, eb.Code, "not_implemented")
		assert.Equal(t, eb.Message, "psflow-emulator: "+tc.method+" "+tc.route+" is not emulated")
	}
	for _, tc := range []struct{ method, path string }{
		{"GET", org + "/no-such-thing"},
		{"POST", dbPath(e, "app") + "/branches/main/explode"},
		{"DELETE", org},
		{"GET", "/v2/organizations"},
	} {
		status, body := call(t, e, tc.method, tc.path, nil)
		assert.Equal(t, status, http.StatusNotFound, "%s %s: %s", tc.method, tc.path, body)
		assert.Equal(t, apiErr(t, body).Code, "not_found")
	}
	status, _ := callWith(t, e, "POST", dbPath(e, "app")+"/branches/main/demote", nil, "wrong:token")
	assert.Equal(t, status, http.StatusUnauthorized, "a token is checked first")

	c := client(t, e)
	_, err := c.Webhooks.List(ctx(t), &ps.ListWebhooksRequest{Organization: e.Org(), Database: "app"})
	assert.Assert(t, is.ErrorContains(err, "psflow-emulator: GET /organizations/{organization}/databases/{database}/webhooks is not emulated"))
}

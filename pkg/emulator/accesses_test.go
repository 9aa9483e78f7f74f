package emulator_test

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"github.com/psflow/psflow/pkg/planetscale"
	"gotest.tools/v3/assert"
)

func TestTokenAccesses(t *testing.T) {
	t.Parallel()
	e := emulatortest.Start(t, emulatortest.WithTokenAccesses("read_branch", "connect_branch"), emulatortest.WithExtraToken("admin", "admin-secret"))
	status, body := call(t, e, http.MethodPost, dbPath(e, "app")+"/branches", map[string]string{"name": "dev"})
	assert.Equal(t, status, http.StatusNotFound, string(body))
	assert.DeepEqual(t, apiErr(t, body), emulator.ErrorBody{Code: "not_found", Message: "Not Found"})

	status, body = callWith(t, e, http.MethodPost, dbPath(e, "app")+"/branches", map[string]string{"name": "dev"}, "admin:admin-secret")
	assert.Equal(t, status, http.StatusCreated, "another token keeps every access: %s", body)

	cases := []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, "/branches/dev", http.StatusOK},
		{http.MethodGet, "/branches/dev/schema", http.StatusOK},
		{http.MethodPost, "/branches/dev/passwords", http.StatusCreated},
		{http.MethodDelete, "/branches/dev", http.StatusNotFound},
		{http.MethodGet, "/deploy-requests", http.StatusNotFound},
		{http.MethodPost, "/branches/dev/backups", http.StatusNotFound},
		{http.MethodPost, "/branches/dev/safe-migrations", http.StatusNotFound},
		{http.MethodGet, "", http.StatusOK}, // get_database: any database-level access
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			status, body := call(t, e, c.method, dbPath(e, "app")+c.path, nil)
			assert.Equal(t, status, c.want, string(body))
		})
	}
}

func TestTokenAccessesAreChecked(t *testing.T) {
	t.Parallel()
	_, err := emulator.New(context.Background(), emulator.Config{Org: "acme", TokenID: "id", Token: "secret", TokenAccesses: []string{"delete_everything"}})
	assert.ErrorContains(t, err, `unknown service token access "delete_everything"`)
}

// psflow's hint for a 404 (planetscale.AccessFor) names, for every route,
// an access the emulator accepts there.
func TestPsflowNamesAnAccessTheRouteTakes(t *testing.T) {
	t.Parallel()
	param := regexp.MustCompile(`\{[^}]+\}`)
	named := 0
	for route, accepted := range emulator.RouteAccesses {
		method, path, _ := strings.Cut(route, " ")
		access, _ := planetscale.AccessFor(method, "http://api"+param.ReplaceAllString(path, "x"))
		if access == "" {
			continue
		}
		named++
		for _, a := range strings.Split(access, " ") {
			a = strings.Trim(a, "()")
			if strings.Contains(a, "_") {
				assert.Check(t, slices.Contains(accepted, a), "%s: psflow names %s, the route takes %v", route, a, accepted)
			}
		}
	}
	assert.Assert(t, named >= 15, "psflow names an access for %d routes", named)
}

// tokenAccesses reads the service token accesses an operation's
// description lists: "**Service Token Accesses**\n `a`, `b`".
var tokenAccesses = regexp.MustCompile("\\*\\*Service Token Accesses\\*\\*\\s*\\n((?:\\s*`[a-z_]+`,?)+)")

// specAccesses are the accesses the spec lists for an operation, sorted;
// nil when it lists none.
func specAccesses(o *specOp) []string {
	m := tokenAccesses.FindStringSubmatch(o.Description)
	if m == nil {
		return nil
	}
	var out []string
	for _, a := range strings.Split(m[1], ",") {
		out = append(out, strings.Trim(strings.TrimSpace(a), "`"))
	}
	slices.Sort(out)
	return out
}

// undocumentedAccesses are the served operations whose description lists
// no service token access; routeAccesses says what the emulator asks.
var undocumentedAccesses = []string{"enable_safe_migrations", "disable_safe_migrations"}

// TestRouteAccessesMatchTheSpec checks that each served operation asks for the
// accesses its description lists, and that every route has an entry.
func TestRouteAccessesMatchTheSpec(t *testing.T) {
	t.Parallel()
	spec := loadSubsetSpec(t)
	for pattern := range emulator.RouteAccesses {
		found := false
		for _, o := range spec.ops {
			if !sameRoute(pattern, o) {
				continue
			}
			found = true
			want := specAccesses(o)
			got := slices.Sorted(slices.Values(emulator.RouteAccesses[pattern]))
			if want == nil {
				assert.Check(t, slices.Contains(undocumentedAccesses, o.ID), "%s lists no access; add it to undocumentedAccesses", o.ID)
				continue
			}
			assert.Check(t, slices.Equal(got, want), "%s (%s): routeAccesses %v, the spec %v", o.ID, pattern, got, want)
		}
		if !found {
			t.Logf("%s is not in the spec: asks for %v", pattern, emulator.RouteAccesses[pattern])
		}
	}
	for route := range emulator.APIRoutes() {
		_, listed := emulator.RouteAccesses[route]
		assert.Check(t, listed, "route %s has no entry in routeAccesses", route)
	}
}

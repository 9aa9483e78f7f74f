package emulator_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/psflow/psflow/pkg/emulator"
)

// decodingRoutes are the API routes that read a JSON body: a body that is
// not JSON must get a 4xx.
var decodingRoutes = []string{
	"POST /v1/organizations/{organization}/databases/{database}/branches",
	"POST /v1/organizations/{organization}/databases/{database}/branches/{branch}/passwords",
	"POST /v1/organizations/{organization}/databases/{database}/branches/{branch}/backups",
	"POST /v1/organizations/{organization}/databases/{database}/deploy-requests",
	"PATCH /v1/organizations/{organization}/databases/{database}/deploy-requests/{number}",
	"POST /v1/organizations/{organization}/databases/{database}/deploy-requests/{number}/deploy",
}

// FuzzDecode sends arbitrary bodies, queries and path names to every GET, POST and PATCH route:
// never a panic or 5xx, and a 4xx for a body that is not JSON where the route reads one.
func FuzzDecode(f *testing.F) {
	routes := apiRoutes(f)
	e := fuzzEmulator(f)
	seeds := []struct{ body, query, name string }{
		{"", "", ""}, {"{", "page=2&per_page=1", ""}, {"null", "per_page=-5&page=999999999999999999999", "../../x"},
		{`{"name":5,"role":["x"],"ttl":-1,"branch":{},"state":"closed"}`, "state=open&branch=pr-1&%zz", "main"},
	}
	for i := range routes {
		for _, sd := range seeds {
			f.Add(uint8(i), sd.body, sd.query, sd.name)
		}
	}
	f.Add(uint8(slices.Index(routes, decodingRoutes[0])), `{"name":"pr-9","parent_branch":"main"}`, "", "")
	f.Add(uint8(slices.Index(routes, decodingRoutes[3])), `{"branch":"pr-1","into_branch":"main","notes":"\u0000"}`, "", "")
	f.Fuzz(func(t *testing.T, route uint8, body, query, name string) {
		pattern := routes[int(route)%len(routes)]
		method, path, _ := strings.Cut(pattern, " ")
		target := fillRoute(path, name)
		u, err := url.Parse(target)
		if err != nil {
			return
		}
		u.RawQuery = query
		req := httptest.NewRequest(method, "http://emulator/", strings.NewReader(body))
		req.URL, req.RequestURI = u, u.RequestURI()
		req.Header.Set("Authorization", e.TokenID()+":"+e.Token())
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		e.Handler().ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s?%s with %q: %d %s", method, target, query, body, rec.Code, rec.Body)
		}
		// A 3xx is no answer to the body: a path with dot segments is
		// redirected to its clean form unread.
		if slices.Contains(decodingRoutes, pattern) && body != "" && !json.Valid([]byte(body)) && rec.Code < 300 {
			t.Fatalf("%s %s with a body that is not JSON (%q): %d", method, target, body, rec.Code)
		}
	})
}

// fillRoute puts the seeded names into a route's placeholders, and name,
// when set, into its last one.
func fillRoute(path, name string) string {
	values := map[string]string{"{organization}": "acme", "{database}": "app", "{branch}": "pr-1", "{number}": "1", "{id}": "nosuchid"}
	segs := strings.Split(path, "/")
	last := -1
	for i, s := range segs {
		if v, ok := values[s]; ok {
			segs[i], last = v, i
		}
	}
	if name != "" && last >= 0 {
		segs[last] = url.PathEscape(name)
	}
	return strings.Join(segs, "/")
}

// routeLine matches a route of routes.go: `"GET " + brRoute + "/schema":`.
var routeLine = regexp.MustCompile(`^\s*"(GET|POST|PATCH|DELETE) ((?:/[^"]*)?)"(?: \+ (org|db|br|dr)Route)?(?: \+ "([^"]*)")?:`)

// apiRoutes reads the GET, POST and PATCH routes from routes.go, so the
// fuzzing follows the emulator as it grows.
func apiRoutes(tb testing.TB) []string {
	tb.Helper()
	src, err := os.ReadFile("routes.go")
	if err != nil {
		tb.Fatal(err)
	}
	const org = "/v1/organizations/{organization}"
	prefixes := map[string]string{"org": org, "db": org + "/databases/{database}"}
	prefixes["br"], prefixes["dr"] = prefixes["db"]+"/branches/{branch}", prefixes["db"]+"/deploy-requests/{number}"
	var routes []string
	for _, line := range strings.Split(string(src), "\n") {
		m := routeLine.FindStringSubmatch(line)
		if m == nil || m[1] == "DELETE" {
			continue
		}
		routes = append(routes, m[1]+" "+m[2]+prefixes[m[3]]+m[4])
	}
	if len(routes) < 20 {
		tb.Fatalf("found only %d routes in routes.go: %v", len(routes), routes)
	}
	return routes
}

// fuzzEmulator is an emulator without a rate limit holding branch pr-1,
// deploy request #1 and a password, for the fuzzer's requests to find.
func fuzzEmulator(tb testing.TB) *emulator.Emulator {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	e, err := emulator.New(ctx, emulator.Config{Org: "acme", Databases: []string{"app"}, TokenID: "fuzz", Token: "fuzz-secret", SafeMigrations: []string{"main"}})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := e.Close(); err != nil {
			tb.Error(err)
		}
	})
	for _, step := range []struct{ method, path, body string }{
		{"POST", "/v1/organizations/acme/databases/app/branches", `{"name":"pr-1","parent_branch":"main"}`},
		{"POST", "/v1/organizations/acme/databases/app/branches/pr-1/passwords", `{"role":"admin"}`},
		{"POST", "/v1/organizations/acme/databases/app/deploy-requests", `{"branch":"pr-1","into_branch":"main"}`},
	} {
		req := httptest.NewRequest(step.method, step.path, strings.NewReader(step.body))
		req.Header.Set("Authorization", "fuzz:fuzz-secret")
		rec := httptest.NewRecorder()
		e.Handler().ServeHTTP(rec, req)
		if rec.Code >= 300 {
			tb.Fatalf("%s %s: %d %s", step.method, step.path, rec.Code, rec.Body)
		}
	}
	return e
}

// The route list the fuzzer uses matches what the emulator serves.
func TestFuzzRoutesAreServed(t *testing.T) {
	t.Parallel()
	e := fuzzEmulator(t)
	routes := apiRoutes(t)
	for _, pattern := range routes {
		method, path, _ := strings.Cut(pattern, " ")
		req := httptest.NewRequest(method, fillRoute(path, ""), nil)
		req.Header.Set("Authorization", "fuzz:fuzz-secret")
		rec := httptest.NewRecorder()
		e.Handler().ServeHTTP(rec, req)
		got := e.Requests()[len(e.Requests())-1].Endpoint
		if got != pattern {
			t.Errorf("%s %s was served by %q", method, path, got)
		}
	}
	for _, r := range decodingRoutes {
		if !slices.Contains(routes, r) {
			t.Errorf("decoding route %s is not a route", r)
		}
	}
	t.Logf("%d routes", len(routes))
}

package emulator

import (
	_ "embed"
	"net/http"
	"strings"
	"sync"
)

// specRoutesText lists every operation of the official PlanetScale API
// description (shared/reference/planetscale-openapi.yaml), one
// "METHOD /path/{param}" a line, paths under the server's /v1.
// TestSpecRoutesAreTheOfficialOnes checks it against the description
// where that sits beside the checkout, and writes it again with
// PSFLOW_UPDATE_SPEC_ROUTES=1: the routes alone, not the whole
// description, go into the binary.
//
//go:embed specroutes.txt
var specRoutesText string

// specRoute is one operation of the official API: a method and the
// segments of its path template.
type specRoute struct {
	method   string
	template string
	segments []string
}

// specRoutes parses specRoutesText once.
var specRoutes = sync.OnceValue(func() []specRoute {
	var out []specRoute
	for _, line := range strings.Split(strings.TrimSpace(specRoutesText), "\n") {
		method, template, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok {
			continue
		}
		out = append(out, specRoute{method: method, template: template, segments: strings.Split(strings.Trim(template, "/"), "/")})
	}
	return out
})

// officialRoute returns the template of the official API operation a
// request is for ("/organizations/{organization}/…", without /v1), when
// the spec has one. Where several match, the one with the most literal
// segments wins (…/branches/{branch} against …/branches/promote, say).
func officialRoute(method, path string) (string, bool) {
	rest, ok := strings.CutPrefix(path, "/v1/")
	if !ok {
		return "", false
	}
	segs := strings.Split(strings.TrimSuffix(rest, "/"), "/")
	best, bestLiterals := "", -1
	for _, r := range specRoutes() {
		if r.method != method || len(r.segments) != len(segs) {
			continue
		}
		literals := 0
		matched := true
		for i, s := range r.segments {
			switch {
			case strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}"):
				matched = segs[i] != ""
			case s == segs[i]:
				literals++
			default:
				matched = false
			}
			if !matched {
				break
			}
		}
		if matched && literals > bestLiterals {
			best, bestLiterals = r.template, literals
		}
	}
	return best, bestLiterals >= 0
}

// noRoute answers a request no endpoint serves. One for an operation of
// the official API that the emulator does not implement gets 501
// not_implemented naming the operation, so that a client, and pscale,
// which explains every 404 as a possibly missing service token access
// (planetscale/cli internal/cmdutil/auth.go,
// HandleNotFoundWithServiceTokenCheck), cannot take it for a missing
// resource or permission. PlanetScale itself has no such answer: any
// other path is unknown there too, and gets the API's 404 not_found.
func noRoute(w http.ResponseWriter, r *http.Request) error {
	if template, ok := officialRoute(r.Method, r.URL.Path); ok {
		return newAPIError(http.StatusNotImplemented, "not_implemented",
			"psflow-emulator: %s %s is not emulated", r.Method, template)
	}
	return notFound("no route for %s %s", r.Method, r.URL.Path)
}

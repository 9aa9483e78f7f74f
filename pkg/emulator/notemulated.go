package emulator

import (
	_ "embed"
	"net/http"
	"strings"
	"sync"
)

// specRoutesText lists every operation of the official API description, "METHOD /path" a line
// under /v1; only the routes go into the binary (docs/design/emulator.md).
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

// officialRoute returns the official operation's template a request is for (without /v1);
// of several, the one with the most literal segments wins (…/branches/promote, say).
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

// noRoute answers a request no endpoint serves: 501 not_implemented for an official operation
// the emulator lacks, else the API's 404 not_found (docs/design/emulator.md).
func noRoute(w http.ResponseWriter, r *http.Request) error {
	if template, ok := officialRoute(r.Method, r.URL.Path); ok {
		return newAPIError(http.StatusNotImplemented, "not_implemented",
			"psflow-emulator: %s %s is not emulated", r.Method, template)
	}
	return notFound("no route for %s %s", r.Method, r.URL.Path)
}

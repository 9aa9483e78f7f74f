package ghfake_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"

	"github.com/psflow/psflow/internal/ghfake"
)

// recorder is a testing.TB that keeps Errorf messages instead of failing.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func (r *recorder) reported() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.errs...)
}

// call is one raw request to the fake; edit changes the well-formed default.
type call struct {
	method, path, body string
	edit               func(h http.Header)
}

// answer is the fake's reply.
type answer struct {
	status int
	header http.Header
	raw    string
	doc    map[string]any
}

func (c call) do(t *testing.T, s *ghfake.Server) answer {
	t.Helper()
	req, err := http.NewRequest(c.method, strings.TrimSuffix(s.URL(), "/")+c.path, strings.NewReader(c.body))
	assert.NilError(t, err)
	req.Header.Set("Authorization", "Bearer "+s.Token)
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("User-Agent", "psflow-test")
	req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	if c.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.edit != nil {
		c.edit(req.Header)
	}
	resp, err := http.DefaultClient.Do(req)
	assert.NilError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	assert.NilError(t, err)
	a := answer{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &a.doc)
	return a
}

const commentsPath = "/repos/octo/app/issues/7/comments"

func TestRequestsAreAnsweredLikeGitHub(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		reported bool // a malformed request the test is told about
		call     call
		status   int
		message  string
	}{
		{"missing user agent", true, call{method: "GET", path: commentsPath, edit: func(h http.Header) { h.Set("User-Agent", "") }},
			403, "Request forbidden by administrative rules. Please make sure your request has a User-Agent header"},
		{"missing authorization", true, call{method: "GET", path: commentsPath, edit: func(h http.Header) { h.Del("Authorization") }},
			401, "Requires authentication"},
		{"unknown auth scheme", true, call{method: "GET", path: commentsPath, edit: func(h http.Header) { h.Set("Authorization", "Basic eDp5") }},
			401, "Bad credentials"},
		{"unsupported api version", true, call{method: "GET", path: commentsPath, edit: func(h http.Header) { h.Set("X-GitHub-Api-Version", "2020-01-01") }},
			400, "API version '2020-01-01' is not supported."},
		{"accept without json", true, call{method: "GET", path: commentsPath, edit: func(h http.Header) { h.Set("Accept", "text/html") }},
			415, `Unsupported 'Accept' header: "text/html". Must accept 'application/json'.`},
		{"unknown path", true, call{method: "GET", path: "/repos/octo/app/issues/7/labels"}, 404, "Not Found"},
		{"unknown method", true, call{method: "DELETE", path: commentsPath}, 404, "Not Found"},
		{"wrong content type", true, call{method: "POST", path: commentsPath, body: `{"body":"hi"}`,
			edit: func(h http.Header) { h.Set("Content-Type", "text/plain") }},
			415, `Unsupported 'Content-Type' header: "text/plain", expected application/json`},
		{"malformed json", true, call{method: "POST", path: commentsPath, body: `{"body":`}, 400, "Problems parsing JSON"},
		{"extra field", true, call{method: "POST", path: commentsPath, body: `{"body":"hi","title":"x"}`},
			422, "Invalid request.\n\n\"title\" is not a permitted key."},
		{"body not a string", true, call{method: "PATCH", path: "/repos/octo/app/issues/comments/1", body: `{"body":5}`},
			422, "Invalid request.\n\nFor 'properties/body', 5 is not a string."},
		{"missing body", true, call{method: "POST", path: commentsPath, body: `{}`}, 422, "Validation Failed"},
		{"blank body", true, call{method: "POST", path: commentsPath, body: `{"body":"  "}`}, 422, "Validation Failed"},
		{"body too long", true, call{method: "POST", path: commentsPath, body: `{"body":"` + strings.Repeat("é", ghfake.MaxBodyChars+1) + `"}`},
			422, "Validation Failed"},
		// States a test may provoke on purpose: answered, not reported.
		{"wrong token", false, call{method: "GET", path: commentsPath, edit: func(h http.Header) { h.Set("Authorization", "token nope") }},
			401, "Bad credentials"},
		{"unknown pull", false, call{method: "GET", path: "/repos/octo/app/pulls/99"}, 404, "Not Found"},
		{"comment on unknown pull", false, call{method: "POST", path: "/repos/octo/app/issues/99/comments", body: `{"body":"hi"}`}, 404, "Not Found"},
		{"edit unknown comment", false, call{method: "PATCH", path: "/repos/octo/app/issues/comments/12", body: `{"body":"hi"}`}, 404, "Not Found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := &recorder{TB: t}
			s := ghfake.New(rec)
			s.AddPull("octo", "app", 7, "open", false)

			a := tc.call.do(t, s)

			assert.Equal(t, a.status, tc.status, a.raw)
			assert.Equal(t, a.doc["message"], tc.message)
			assert.Equal(t, a.doc["status"], fmt.Sprint(tc.status))
			assert.Equal(t, len(s.Comments("octo", "app", 7)), 0)
			errs := rec.reported()
			if !tc.reported {
				assert.Assert(t, is.Len(errs, 0))
				return
			}
			assert.Assert(t, is.Len(errs, 1))
			assert.Assert(t, is.Contains(errs[0], fmt.Sprintf("%s %s", tc.call.method, tc.call.path)))
			assert.Assert(t, is.Contains(errs[0], fmt.Sprintf("GitHub answers %d", tc.status)))
		})
	}
}

func TestTooLongBodyListsGitHubsError(t *testing.T) {
	t.Parallel()
	rec := &recorder{TB: t}
	s := ghfake.New(rec)
	s.AddPull("octo", "app", 7, "open", false)

	a := call{method: "POST", path: commentsPath, body: `{"body":"` + strings.Repeat("x", ghfake.MaxBodyChars+1) + `"}`}.do(t, s)

	assert.Equal(t, a.status, 422)
	assert.DeepEqual(t, a.doc["errors"], []any{map[string]any{
		"resource": "IssueComment", "code": "unprocessable", "field": "data",
		"message": "Body is too long (maximum is 65536 characters)",
	}})
	errs := rec.reported()
	assert.Assert(t, is.Len(errs, 1))
	assert.Assert(t, is.Contains(errs[0], "Body is too long (maximum is 65536 characters)"))
}

func TestTokenSchemes(t *testing.T) {
	t.Parallel()
	s := ghfake.New(t)
	s.AddPull("octo", "app", 7, "open", false)
	s.SetUser("octocat", "User")
	for _, scheme := range []string{"Bearer", "token"} {
		a := call{method: "GET", path: "/user", edit: func(h http.Header) { h.Set("Authorization", scheme+" "+s.Token) }}.do(t, s)
		assert.Equal(t, a.status, 200, scheme)
		assert.Equal(t, a.doc["login"], "octocat")
		assert.Equal(t, a.doc["type"], "User")
	}
	assert.Equal(t, s.Count(ghfake.PatternGetUser), 2)
}

// GET /user refuses an installation token, as GITHUB_TOKEN is, the way
// api.github.com does; the comments it creates are by its bot.
func TestGetUserRefusesAnInstallationToken(t *testing.T) {
	t.Parallel()
	s := ghfake.New(t)
	s.AddPull("octo", "app", 7, "open", false)
	a := call{method: "GET", path: "/user"}.do(t, s)
	assert.Equal(t, a.status, 403)
	assert.Equal(t, a.doc["message"], "Resource not accessible by integration")
	assert.Equal(t, a.doc["documentation_url"], "https://docs.github.com/rest/users/users#get-the-authenticated-user")
	made := call{method: "POST", path: commentsPath, body: `{"body":"hi"}`}.do(t, s)
	assert.Equal(t, made.status, 201)
	assert.DeepEqual(t, made.doc["user"].(map[string]any)["login"], ghfake.DefaultLogin)
	assert.DeepEqual(t, made.doc["user"].(map[string]any)["type"], "Bot")
	id := s.AddComment("octo", "app", 7, "mallory", "forged")
	got := s.Comments("octo", "app", 7)
	assert.Equal(t, got[1].ID, id)
	assert.Equal(t, got[1].Author, "mallory")
}

package ghfake_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/golden"

	"github.com/psflow/psflow/internal/ghfake"
)

func TestLinkHeaderAndPages(t *testing.T) {
	t.Parallel()
	s := ghfake.New(t)
	s.SeedComments("octo", "app", 7, 65, "alice")
	api := strings.TrimSuffix(s.URL(), "/") + commentsPath

	tests := []struct {
		query string
		count int
		first string // body of the first comment on the page
		link  string
	}{
		{"", 30, "seed comment 1",
			`<` + api + `?page=2>; rel="next", <` + api + `?page=3>; rel="last"`},
		{"?page=2", 30, "seed comment 31",
			`<` + api + `?page=1>; rel="prev", <` + api + `?page=3>; rel="next", <` + api + `?page=3>; rel="last", <` + api + `?page=1>; rel="first"`},
		{"?per_page=30&page=3", 5, "seed comment 61",
			`<` + api + `?per_page=30&page=2>; rel="prev", <` + api + `?per_page=30&page=1>; rel="first"`},
		{"?page=1&per_page=100", 65, "seed comment 1", ""},
		{"?per_page=500", 65, "seed comment 1", ""},
		{"?per_page=50&page=9", 0, "",
			`<` + api + `?per_page=50&page=8>; rel="prev", <` + api + `?per_page=50&page=1>; rel="first"`},
	}
	for _, tc := range tests {
		a := call{method: "GET", path: commentsPath + tc.query}.do(t, s)
		assert.Equal(t, a.status, 200, tc.query)
		assert.Equal(t, a.header.Get("Link"), tc.link, tc.query)
		var list []map[string]any
		assert.NilError(t, json.Unmarshal([]byte(a.raw), &list))
		assert.Equal(t, len(list), tc.count, tc.query)
		if tc.count > 0 {
			assert.Equal(t, list[0]["body"], tc.first, tc.query)
		}
	}
	assert.Equal(t, s.Count(ghfake.PatternListComments), len(tests))
}

func TestDocumentsMatchGolden(t *testing.T) {
	t.Parallel()
	s := ghfake.New(t)
	s.AddPull("octo", "app", 7, "closed", true)
	api := strings.TrimSuffix(s.URL(), "/")
	anon := func(raw string) string { return strings.ReplaceAll(raw, api, "http://api.test") }
	pretty := func(raw string) string {
		var b bytes.Buffer
		assert.NilError(t, json.Indent(&b, []byte(anon(raw)), "", "  "))
		return b.String()
	}

	created := call{method: "POST", path: commentsPath, body: `{"body":"<!-- x --> **hi** ünï"}`}.do(t, s)
	assert.Equal(t, created.status, 201)
	assert.Equal(t, anon(created.header.Get("Location")), "http://api.test/repos/octo/app/issues/comments/2000000001")
	golden.Assert(t, pretty(created.raw), "comment-created.json")

	edited := call{method: "PATCH", path: "/repos/octo/app/issues/comments/2000000001", body: `{"body":"edited"}`}.do(t, s)
	assert.Equal(t, edited.status, 200)
	golden.Assert(t, pretty(edited.raw), "comment-edited.json")

	pull := call{method: "GET", path: "/repos/octo/app/pulls/7"}.do(t, s)
	assert.Equal(t, pull.status, 200)
	golden.Assert(t, pretty(pull.raw), "pull.json")

	got := s.Comments("octo", "app", 7)
	assert.Assert(t, is.Len(got, 1))
	assert.Equal(t, got[0].Body, "edited")
	assert.Equal(t, got[0].Author, ghfake.DefaultLogin)
	assert.Assert(t, got[0].UpdatedAt.After(got[0].CreatedAt))
}

func TestFailNextAppliesOnce(t *testing.T) {
	t.Parallel()
	s := ghfake.New(t)
	s.AddPull("octo", "app", 7, "open", false)
	s.FailNext("GET", "/repos/octo/app/issues/", 502)

	assert.Equal(t, call{method: "GET", path: "/repos/octo/app/pulls/7"}.do(t, s).status, 200)
	failed := call{method: "GET", path: commentsPath}.do(t, s)
	assert.Equal(t, failed.status, 502)
	assert.Equal(t, failed.doc["message"], "Bad Gateway")
	assert.Equal(t, call{method: "GET", path: commentsPath}.do(t, s).status, 200)

	reqs := s.Requests()
	assert.Assert(t, is.Len(reqs, 3))
	assert.DeepEqual(t, []int{reqs[0].Status, reqs[1].Status, reqs[2].Status}, []int{200, 502, 200})
	assert.Equal(t, reqs[1].Pattern, ghfake.PatternListComments)
	assert.DeepEqual(t, s.Counts(), map[string]int{ghfake.PatternGetPull: 1, ghfake.PatternListComments: 2})
}

func TestOwnerAndRepoAreCaseInsensitive(t *testing.T) {
	t.Parallel()
	s := ghfake.New(t)
	s.AddPull("Octo", "App", 7, "open", false)

	a := call{method: "POST", path: "/repos/octo/app/issues/7/comments", body: `{"body":"hi"}`}.do(t, s)

	assert.Equal(t, a.status, 201)
	assert.Equal(t, a.doc["html_url"], "https://github.com/Octo/App/pull/7#issuecomment-2000000001")
	assert.Assert(t, is.Len(s.Comments("OCTO", "app", 7), 1))
}

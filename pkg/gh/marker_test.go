package gh

import (
	"strings"
	"testing"
	"unicode/utf8"

	"gotest.tools/v3/assert"
)

func TestMarkerEscapesKey(t *testing.T) {
	t.Parallel()
	tests := []struct{ key, want string }{
		{DeployRequestKey("app", "pr-7"), "<!-- psflow:deploy-request:app:pr-7 -->"},
		{"a-->b", "<!-- psflow:a--%3Eb -->"},
		{"100% <ok>!", "<!-- psflow:100%25%20%3Cok%3E%21 -->"},
		{"line\nbreak", "<!-- psflow:line%0Abreak -->"},
	}
	for _, tc := range tests {
		assert.Equal(t, marker(tc.key), tc.want, tc.key)
		assert.Equal(t, strings.Count(marker(tc.key), "-->"), 1, tc.key)
	}
	// Different keys never share a marker, even when one looks escaped.
	assert.Assert(t, marker("a b") != marker("a%20b"))
}

func TestFit(t *testing.T) {
	t.Parallel()
	fence := "```sql\n" + strings.Repeat("SELECT 1;\n", 50) + "```"
	tests := []struct {
		name, in   string
		limit      int
		wantSuffix string
	}{
		{"fits", "short", 100, "short"},
		{"cut at a line end", strings.Repeat("abcdefghi\n", 50), 200, "abcdefghi" + truncatedNote},
		{"open fence closed", fence, 200, "SELECT 1;\n```" + truncatedNote},
		{"one long line cut on a rune", strings.Repeat("ü", 300), 200, "ü" + truncatedNote},
	}
	for _, tc := range tests {
		got := fit(tc.in, tc.limit)
		assert.Assert(t, len(got) <= tc.limit, "%s: %d bytes", tc.name, len(got))
		assert.Assert(t, utf8.ValidString(got), tc.name)
		assert.Assert(t, strings.HasSuffix(got, tc.wantSuffix), tc.name)
		assert.Assert(t, !openFence(got), tc.name)
	}
}

func TestRenderParseAndDigest(t *testing.T) {
	t.Parallel()
	body := render("k", "text\r\nmore\n\n")
	p, ok := parse("k", body)
	assert.Assert(t, ok)
	assert.Equal(t, p.content, "text\nmore")
	assert.Assert(t, p.current(digest("text\nmore")))
	assert.Assert(t, !p.current(digest("text\nmore!")))
	_, ok = parse("k2", body)
	assert.Assert(t, !ok)
	_, ok = parse("k", " "+body)
	assert.Assert(t, !ok)
}

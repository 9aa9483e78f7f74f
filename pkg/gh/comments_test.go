package gh_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-github/v60/github"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"

	"github.com/psflow/psflow/internal/ghfake"
	"github.com/psflow/psflow/pkg/gh"
)

var pr = gh.Target{Owner: "octo", Repo: "app", Number: 7}

// setup returns a fake GitHub with pull request octo/app#7, a client of
// it and the go-github client underneath.
func setup(t *testing.T) (*ghfake.Server, *gh.Comments, *github.Client) {
	t.Helper()
	s := ghfake.New(t)
	s.AddPull(pr.Owner, pr.Repo, pr.Number, "open", false)
	g, err := gh.New(s.URL(), s.Token)
	assert.NilError(t, err)
	return s, gh.NewComments(g), g
}

func upsert(t *testing.T, c *gh.Comments, key, md string) gh.UpsertResult {
	t.Helper()
	res, err := c.Upsert(context.Background(), pr, key, md)
	assert.NilError(t, err)
	return res
}

// content returns a sticky comment's text after its two marker lines.
func content(t *testing.T, body string) string {
	t.Helper()
	lines := strings.SplitN(body, "\n", 3)
	assert.Assert(t, is.Len(lines, 3), body)
	return lines[2]
}

// methods returns the methods of the requests logged since index from.
func methods(s *ghfake.Server, from int) []string {
	var out []string
	for _, r := range s.Requests()[from:] {
		out = append(out, r.Method)
	}
	return out
}

func TestCreatedOnEmptyPull(t *testing.T) {
	t.Parallel()
	s, c, _ := setup(t)
	key := gh.DeployRequestKey("app", "pr-7")

	res := upsert(t, c, key, "## Deploy request\nready")

	got := s.Comments("octo", "app", 7)
	assert.Assert(t, is.Len(got, 1))
	assert.DeepEqual(t, res, gh.UpsertResult{Action: gh.Created, ID: got[0].ID,
		URL: "https://github.com/octo/app/pull/7#issuecomment-2000000001", Author: ghfake.DefaultLogin})
	assert.Assert(t, strings.HasPrefix(got[0].Body, "<!-- psflow:deploy-request:app:pr-7 -->\n<!-- psflow-digest:sha256:"), got[0].Body)
	assert.Equal(t, content(t, got[0].Body), "## Deploy request\nready")
	assert.Equal(t, got[0].Author, ghfake.DefaultLogin)
	assert.DeepEqual(t, methods(s, 0), []string{"GET", "POST"})
}

func TestFoundOnPageThreeAndEdited(t *testing.T) {
	t.Parallel()
	s, c, _ := setup(t)
	s.SeedComments("octo", "app", 7, 250, "alice")
	key := gh.DeployRequestKey("app", "pr-7")
	first := upsert(t, c, key, "state: pending")
	s.SeedComments("octo", "app", 7, 30, "bob")
	before := len(s.Requests())

	res := upsert(t, c, key, "state: ready")

	assert.DeepEqual(t, res, gh.UpsertResult{Action: gh.Updated, ID: first.ID, URL: first.URL, Author: ghfake.DefaultLogin})
	var queries []string
	for _, r := range s.Requests()[before:] {
		if r.Pattern == ghfake.PatternListComments {
			queries = append(queries, r.Query)
		}
	}
	assert.DeepEqual(t, queries, []string{"page=1&per_page=100", "page=2&per_page=100", "page=3&per_page=100"})
	assert.DeepEqual(t, methods(s, before), []string{"GET", "GET", "GET", "PATCH"})
	got := s.Comments("octo", "app", 7)
	assert.Assert(t, is.Len(got, 281))
	assert.Equal(t, got[250].ID, first.ID)
	assert.Equal(t, content(t, got[250].Body), "state: ready")
}

func TestUnchangedIsNotEdited(t *testing.T) {
	t.Parallel()
	s, c, _ := setup(t)
	key := gh.DeployRequestKey("app", "pr-7")
	first := upsert(t, c, key, "same text\n")
	before := len(s.Requests())

	res := upsert(t, c, key, "same text")

	assert.DeepEqual(t, res, gh.UpsertResult{Action: gh.Unchanged, ID: first.ID, URL: first.URL, Author: ghfake.DefaultLogin})
	assert.DeepEqual(t, methods(s, before), []string{"GET"})
	assert.Equal(t, s.Count(ghfake.PatternEditComment), 0)
	assert.Equal(t, s.Count(ghfake.PatternCreateComment), 1)
}

func TestEachKeyHasItsOwnComment(t *testing.T) {
	t.Parallel()
	s, c, _ := setup(t)
	// The second key extends the first: the marker must match exactly.
	a, b := gh.DeployRequestKey("app", "pr-7"), gh.DeployRequestKey("app", "pr-7-2")

	ra := upsert(t, c, a, "for a")
	rb := upsert(t, c, b, "for b")
	ra2 := upsert(t, c, a, "for a, again")

	assert.Equal(t, rb.Action, gh.Created)
	assert.Assert(t, rb.ID != ra.ID)
	assert.DeepEqual(t, ra2, gh.UpsertResult{Action: gh.Updated, ID: ra.ID, URL: ra.URL, Author: ghfake.DefaultLogin})
	got := s.Comments("octo", "app", 7)
	assert.Assert(t, is.Len(got, 2))
	assert.Equal(t, content(t, got[0].Body), "for a, again")
	assert.Equal(t, content(t, got[1].Body), "for b")
}

func TestAwkwardTextRoundTrips(t *testing.T) {
	t.Parallel()
	s, c, _ := setup(t)
	key := "deploy-request:app:weird --> <!-- key ünï"
	md := "```sql\nALTER TABLE `t` ADD COLUMN `c` int -- note -->\n```\n<!-- psflow:deploy-request:app:weird -->\n日本語 ✓ `x` \\ \"q\" & <b>"

	res := upsert(t, c, key, md)
	again := upsert(t, c, key, md)

	assert.Equal(t, res.Action, gh.Created)
	assert.Equal(t, again.Action, gh.Unchanged)
	body := s.Comments("octo", "app", 7)[0].Body
	first, _, _ := strings.Cut(body, "\n")
	assert.Equal(t, first, "<!-- psflow:deploy-request:app:weird%20--%3E%20%3C%21--%20key%20%C3%BCn%C3%AF -->")
	assert.Equal(t, content(t, body), md)
	// The text's own marker-like line belongs to no key.
	other := upsert(t, c, "deploy-request:app:weird", "other")
	assert.Equal(t, other.Action, gh.Created)
}

func TestOldestOfDuplicatesIsKept(t *testing.T) {
	t.Parallel()
	s, c, g := setup(t)
	key := gh.DeployRequestKey("app", "pr-7")
	first := upsert(t, c, key, "v1")
	dup := s.Comments("octo", "app", 7)[0].Body
	_, _, err := g.Issues.CreateComment(context.Background(), "octo", "app", 7, &github.IssueComment{Body: &dup})
	assert.NilError(t, err)

	res := upsert(t, c, key, "v2")

	assert.Equal(t, res.ID, first.ID)
	got := s.Comments("octo", "app", 7)
	assert.Equal(t, content(t, got[0].Body), "v2")
	assert.Equal(t, got[1].Body, dup)
}

func TestStoredBodyEditsAreChecked(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(body string) string
		want string
	}{
		{"crlf line ends", func(b string) string { return strings.ReplaceAll(b, "\n", "\r\n") }, gh.Unchanged},
		{"text edited by hand", func(b string) string { return b + "\nPS: hand edit" }, gh.Updated},
		{"digest line removed", func(b string) string {
			lines := strings.SplitN(b, "\n", 3)
			return lines[0] + "\n" + lines[2]
		}, gh.Updated},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, c, g := setup(t)
			key := gh.DeployRequestKey("app", "pr-7")
			first := upsert(t, c, key, "line one\nline two")
			edited := tc.edit(s.Comments("octo", "app", 7)[0].Body)
			_, _, err := g.Issues.EditComment(context.Background(), "octo", "app", first.ID, &github.IssueComment{Body: &edited})
			assert.NilError(t, err)

			res := upsert(t, c, key, "line one\nline two")

			assert.Equal(t, res.Action, tc.want)
			assert.Equal(t, res.ID, first.ID)
			assert.Assert(t, is.Len(s.Comments("octo", "app", 7), 1))
		})
	}
}

func TestLongTextIsShortenedToFit(t *testing.T) {
	t.Parallel()
	s, c, _ := setup(t)
	key := gh.DeployRequestKey("app", "pr-7")
	md := "```sql\n" + strings.Repeat("ALTER TABLE `ünïcode` ADD COLUMN c int;\n", 3000) + "```"

	res := upsert(t, c, key, md)
	again := upsert(t, c, key, md)

	assert.Equal(t, res.Action, gh.Created)
	assert.Equal(t, again.Action, gh.Unchanged)
	body := s.Comments("octo", "app", 7)[0].Body
	assert.Assert(t, len(body) <= ghfake.MaxBodyChars, len(body))
	assert.Assert(t, strings.HasSuffix(body, ";\n```\n\n_… truncated: the full text is longer than a GitHub comment allows._"))
}

func TestErrorsNameThePullRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		fail   func(s *ghfake.Server)
		token  string
		status int
		want   string
	}{
		{"wrong token", func(*ghfake.Server) {}, "ghs_wrong", 401, "list comments on octo/app#7 (page 1): "},
		{"list fails", func(s *ghfake.Server) { s.FailNext("GET", "/repos/octo/app/issues/7/comments", 502) }, "", 502,
			"list comments on octo/app#7 (page 1): "},
		{"create fails", func(s *ghfake.Server) { s.FailNext("POST", "/repos/", 500) }, "", 500, "create comment on octo/app#7: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := ghfake.New(t)
			s.AddPull("octo", "app", 7, "open", false)
			tc.fail(s)
			token := s.Token
			if tc.token != "" {
				token = tc.token
			}
			g, err := gh.New(s.URL(), token)
			assert.NilError(t, err)

			_, err = gh.NewComments(g).Upsert(context.Background(), pr, gh.DeployRequestKey("app", "pr-7"), "x")

			assert.ErrorContains(t, err, tc.want)
			var ge *github.ErrorResponse
			assert.Assert(t, errors.As(err, &ge), "%T", errors.Unwrap(err))
			assert.Equal(t, ge.Response.StatusCode, tc.status)
			assert.Assert(t, is.Len(s.Comments("octo", "app", 7), 0))
		})
	}
}

func TestEditFailureIsWrapped(t *testing.T) {
	t.Parallel()
	s, c, _ := setup(t)
	key := gh.DeployRequestKey("app", "pr-7")
	first := upsert(t, c, key, "v1")
	s.FailNext("PATCH", "/repos/octo/app/issues/comments/", http.StatusForbidden)

	_, err := c.Upsert(context.Background(), pr, key, "v2")

	assert.ErrorContains(t, err, "edit comment 2000000001 on octo/app#7: ")
	var ge *github.ErrorResponse
	assert.Assert(t, errors.As(err, &ge))
	assert.Equal(t, ge.Message, "Resource not accessible by integration")
	assert.Equal(t, content(t, s.Comments("octo", "app", 7)[0].Body), "v1")
	assert.Equal(t, first.ID, int64(2000000001))
}

func TestInvalidRequests(t *testing.T) {
	t.Parallel()
	_, c, _ := setup(t)
	for _, tc := range []struct {
		target gh.Target
		key    string
	}{
		{gh.Target{Repo: "app", Number: 7}, "k"},
		{gh.Target{Owner: "octo", Number: 7}, "k"},
		{gh.Target{Owner: "octo", Repo: "app"}, "k"},
		{pr, ""},
	} {
		_, err := c.Upsert(context.Background(), tc.target, tc.key, "x")
		assert.Assert(t, errors.Is(err, gh.ErrInvalid), "%v", err)
	}
}

// With By, a comment carrying the marker by anyone else is neither edited nor taken for the
// sticky comment: the author's own is created next to it, and kept current after that.
func TestByIgnoresOtherAuthors(t *testing.T) {
	t.Parallel()
	s, c, _ := setup(t)
	key := gh.DeployRequestKey("app", "pr-7")
	forged := s.AddComment(pr.Owner, pr.Repo, pr.Number, "mallory", "<!-- psflow:deploy-request:app:pr-7 -->\nforged")
	own := c.By("GitHub-Actions[bot]")

	made := upsert(t, own, key, "ours")
	assert.Equal(t, made.Action, gh.Created)
	assert.Equal(t, made.Author, ghfake.DefaultLogin)
	again := upsert(t, own, key, "ours, changed")
	assert.Equal(t, again.Action, gh.Updated)
	assert.Equal(t, again.ID, made.ID)
	got := s.Comments(pr.Owner, pr.Repo, pr.Number)
	assert.Assert(t, is.Len(got, 2))
	assert.Equal(t, got[0].ID, forged)
	assert.Equal(t, got[0].Body, "<!-- psflow:deploy-request:app:pr-7 -->\nforged", "another author's comment is left alone")

	// Without By, the oldest comment with the marker is the sticky one.
	any := upsert(t, c, key, "anyone's")
	assert.Equal(t, any.ID, forged)
}

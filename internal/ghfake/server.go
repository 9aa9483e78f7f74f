// Package ghfake is an in-process fake of the parts of the GitHub REST API
// psflow uses (pull requests, issue comments, the token's user). It checks
// every request the way api.github.com documents it, reports violations to
// the test with Errorf, and answers them with GitHub's own 4xx shapes.
package ghfake

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Route patterns, as counted by Count and recorded in Request.Pattern.
const (
	PatternGetPull       = "GET /repos/{owner}/{repo}/pulls/{number}"
	PatternListComments  = "GET /repos/{owner}/{repo}/issues/{number}/comments"
	PatternCreateComment = "POST /repos/{owner}/{repo}/issues/{number}/comments"
	PatternEditComment   = "PATCH /repos/{owner}/{repo}/issues/comments/{id}"
	PatternGetUser       = "GET /user"
)

// DefaultLogin is the token owner's login unless SetUser changes it: GITHUB_TOKEN's user, whose
// installation token GET /user refuses (403).
const DefaultLogin = "github-actions[bot]"

// epoch is the fake clock's start; each change to the state advances it by
// one second so timestamps are deterministic and strictly increasing.
var epoch = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// Server is a fake GitHub API served by an httptest server. Its methods are
// safe for concurrent use.
type Server struct {
	// Token is the only token the server accepts. Set it before the first
	// request if a test needs a particular value.
	Token string

	t   testing.TB
	srv *httptest.Server
	mux *http.ServeMux

	mu       sync.Mutex
	user     User
	pulls    map[issueKey]*pull
	comments []*comment
	nextID   int64
	ticks    int
	log      []Request
	counts   map[string]int
	faults   []fault
}

// Request is one request the server received.
type Request struct {
	// Method, Path and Query are the request line's parts (Query is the
	// raw query string).
	Method string
	Path   string
	Query  string
	// Body is the request body as sent.
	Body string
	// Pattern is the route the request matched (one of the Pattern
	// constants), or "" when none did.
	Pattern string
	// Status is the HTTP status answered.
	Status int
}

// URL is the API base URL, with the trailing slash go-github needs, to pass
// as github_api_url or to gh.New.
func (s *Server) URL() string { return s.srv.URL + "/" }

// SetUser changes the token's owner, who authors the comments: typ "User" for a user's token,
// which GET /user answers, "Bot" for an installation token, which it refuses (403).
func (s *Server) SetUser(login, typ string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.user = User{Login: login, ID: s.user.ID, Type: typ}
}

// Requests returns a copy of the request log, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.log...)
}

// Count returns how many requests matched pattern, e.g. PatternEditComment.
func (s *Server) Count(pattern string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[pattern]
}

// Counts returns a copy of the request counts per route pattern; requests
// that matched no route are counted under "METHOD path".
func (s *Server) Counts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.counts)
}

// tick advances the fake clock and returns the new time; s.mu is held.
func (s *Server) tick() time.Time {
	s.ticks++
	return epoch.Add(time.Duration(s.ticks) * time.Second)
}

// record appends a request to the log; s.mu is not held.
func (s *Server) record(r Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, r)
	key := r.Pattern
	if key == "" {
		key = r.Method + " " + r.Path
	}
	s.counts[key]++
}

package ghfake

import (
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// New starts a fake GitHub API for the test and closes it at cleanup.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{
		Token:  newToken(),
		t:      t,
		user:   User{Login: DefaultLogin, ID: 41898282, Type: "Bot"},
		pulls:  map[issueKey]*pull{},
		nextID: 2000000001,
		counts: map[string]int{},
	}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc(PatternGetPull, s.onPull(s.getPull))
	s.mux.HandleFunc(PatternListComments, s.onPull(s.listComments))
	s.mux.HandleFunc(PatternCreateComment, s.onPull(s.createComment))
	s.mux.HandleFunc(PatternEditComment, s.editComment)
	s.mux.HandleFunc(PatternGetUser, s.getUser)
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// newToken returns a random token shaped like a GITHUB_TOKEN.
func newToken() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, 36)
	_, _ = rand.Read(b)
	var sb strings.Builder
	sb.WriteString("ghs_")
	for _, c := range b {
		sb.WriteByte(alphabet[int(c)%len(alphabet)])
	}
	return sb.String()
}

package createbranch_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// recorder is an HTTP proxy that answers 502 and records each request: as HTTP_PROXY and
// HTTPS_PROXY it sees every request psflow sends to a host that is not loopback.
type recorder struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string
}

func newRecorder(t *testing.T) *recorder {
	r := &recorder{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.seen = append(r.seen, req.Method+" "+req.Host)
		r.mu.Unlock()
		http.Error(w, "recorded", http.StatusBadGateway)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *recorder) requests() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.seen...)
}

// TestAPIURLOverHTTPOnlyToLoopback refuses, before any request, an http api_url to a host
// that is not loopback; https goes out, and http://127.0.0.1 and http://localhost work.
func TestAPIURLOverHTTPOnlyToLoopback(t *testing.T) {
	t.Parallel()
	em := emulatortest.Start(t)
	proxy := newRecorder(t)
	env := func(apiURL string) map[string]string {
		e := actiontest.Env(em, "app")
		e["PLANETSCALE_API_URL"] = apiURL
		e["HTTP_PROXY"], e["HTTPS_PROXY"] = proxy.URL, proxy.URL
		e["PSFLOW_RETRY_MAX_ELAPSED"] = "300ms"
		return e
	}

	r := actiontest.Exec(t, env("http://api.example.com"), "create-branch", "--branch", "pr-1")
	r.Assert(t, icmd.Expected{ExitCode: 2})
	assert.Check(t, is.Equal(strings.TrimSpace(r.Stderr()), "psflow create-branch: input api_url: http://api.example.com would send the service token unencrypted; "+
		"use https://, or plain http only to a loopback host (127.0.0.1, ::1, localhost) such as a local psflow-emulator"))
	assert.Check(t, is.Len(proxy.requests(), 0), "a request was sent to the refused URL")

	r = actiontest.Exec(t, env("https://api.example.com"), "create-branch", "--branch", "pr-1")
	assert.Check(t, r.ExitCode != 2, "https refused: %s", r.Stderr())
	assert.Check(t, is.Contains(proxy.requests(), "CONNECT api.example.com:443"))

	for _, u := range []string{em.URL(), strings.Replace(em.URL(), "127.0.0.1", "localhost", 1)} {
		r = actiontest.Exec(t, env(u), "create-branch", "--branch", "pr-1", "--create-password=false")
		r.Assert(t, icmd.Success)
	}
	assert.Check(t, is.Len(proxy.requests(), 1), "%v", proxy.requests())
}

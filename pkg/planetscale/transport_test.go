package planetscale

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// fastRetry keeps tests quick while still exercising back-off.
var fastRetry = RetryPolicy{Initial: 5 * time.Millisecond, Max: 20 * time.Millisecond, MaxElapsed: 5 * time.Second, AttemptTimeout: 2 * time.Second}

// script serves the given handlers in turn, then the last one forever.
func script(t *testing.T, steps ...http.HandlerFunc) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		steps[min(i, len(steps)-1)](w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func status(code int, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.WriteHeader(code)
		io.WriteString(w, `{"code":"x","message":"status `+http.StatusText(code)+`"}`)
	}
}

func reset(w http.ResponseWriter, r *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.(*net.TCPConn).SetLinger(0)
		conn.Close()
	}
}

func send(t *testing.T, srv *httptest.Server, method string, policy RetryPolicy) (*http.Response, error, *atomic.Int64) {
	t.Helper()
	var calls atomic.Int64
	tr := &transport{base: http.DefaultTransport, policy: policy, calls: &calls, logf: t.Logf}
	req, err := http.NewRequest(method, srv.URL+"/v1/x", strings.NewReader(`{}`))
	assert.NilError(t, err)
	resp, err := tr.RoundTrip(req)
	if resp != nil {
		t.Cleanup(func() { resp.Body.Close() })
	}
	return resp, err, &calls
}

func TestTransportRetriesTransientFailures(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		steps []http.HandlerFunc
		tries int64
	}{
		{"503 then 200", []http.HandlerFunc{status(503), status(200)}, 2},
		{"429 without Retry-After", []http.HandlerFunc{status(429), status(429), status(200)}, 3},
		{"500 and 502", []http.HandlerFunc{status(500), status(502), status(200)}, 3},
		{"connection reset", []http.HandlerFunc{reset, status(200)}, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, hits := script(t, tc.steps...)
			resp, err, calls := send(t, srv, http.MethodGet, fastRetry)
			assert.NilError(t, err)
			assert.Equal(t, resp.StatusCode, 200)
			assert.Equal(t, hits.Load(), tc.tries)
			assert.Equal(t, calls.Load(), tc.tries)
		})
	}
}

func TestTransportHonoursRetryAfter(t *testing.T) {
	t.Parallel()
	for name, value := range map[string]func() string{
		"seconds": func() string { return "1" },
		// An HTTP date has whole seconds: two seconds ahead is at least one.
		"http date": func() string { return time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			value := value()
			srv, hits := script(t, status(429, "Retry-After", value), status(200))
			start := time.Now()
			resp, err, _ := send(t, srv, http.MethodGet, fastRetry)
			assert.NilError(t, err)
			assert.Equal(t, resp.StatusCode, 200)
			assert.Equal(t, hits.Load(), int64(2))
			// The back-off alone is at most 20ms; the wait came from the header.
			assert.Assert(t, time.Since(start) >= 900*time.Millisecond, "waited only %s", time.Since(start))
		})
	}
}

func TestTransportGivesUpWhenRetryAfterExceedsBudget(t *testing.T) {
	t.Parallel()
	srv, hits := script(t, status(429, "Retry-After", "60"))
	policy := fastRetry
	policy.MaxElapsed = time.Second
	resp, err, _ := send(t, srv, http.MethodGet, policy)
	assert.NilError(t, err)
	assert.Equal(t, resp.StatusCode, 429)
	assert.Equal(t, hits.Load(), int64(1))
}

func TestTransportNeverRetriesPostOrPatch(t *testing.T) {
	t.Parallel()
	for _, method := range []string{http.MethodPost, http.MethodPatch} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			srv, hits := script(t, status(503), status(200))
			resp, err, _ := send(t, srv, method, fastRetry)
			assert.NilError(t, err)
			assert.Equal(t, resp.StatusCode, 503)
			assert.Equal(t, hits.Load(), int64(1))

			srv, hits = script(t, reset, status(200))
			_, err, _ = send(t, srv, method, fastRetry)
			assert.Assert(t, err != nil)
			assert.Equal(t, hits.Load(), int64(1))
		})
	}
}

// A connection cut off at once is reported as such, not as a timeout.
func TestTransportReportsAResetConnection(t *testing.T) {
	t.Parallel()
	srv, _ := script(t, reset)
	_, err, _ := send(t, srv, http.MethodPost, fastRetry)
	assert.Assert(t, err != nil)
	assert.Assert(t, !errors.Is(err, errAttemptTimeout), "reported as a timeout: %v", err)
	assert.Check(t, is.ErrorContains(err, "connection reset"))
}

// A 429 says the API did not act on the request, so even a create is
// sent again, after the wait the API asks for.
func TestTransportRetriesPostOrPatchOnlyOn429(t *testing.T) {
	t.Parallel()
	for _, method := range []string{http.MethodPost, http.MethodPatch} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			srv, hits := script(t, status(429, "Retry-After", "1"), status(200))
			start := time.Now()
			resp, err, _ := send(t, srv, method, fastRetry)
			assert.NilError(t, err)
			assert.Equal(t, resp.StatusCode, 200)
			assert.Equal(t, hits.Load(), int64(2))
			assert.Assert(t, time.Since(start) >= 900*time.Millisecond, "waited only %s", time.Since(start))
		})
	}
}

func TestTransportDoesNotRetryPermanentErrors(t *testing.T) {
	t.Parallel()
	for _, code := range []int{400, 401, 403, 404, 422} {
		srv, hits := script(t, status(code), status(200))
		resp, err, _ := send(t, srv, http.MethodGet, fastRetry)
		assert.NilError(t, err)
		assert.Equal(t, resp.StatusCode, code)
		assert.Equal(t, hits.Load(), int64(1), "status %d", code)
	}
}

func TestTransportStopsWhenContextIsCancelled(t *testing.T) {
	t.Parallel()
	srv, hits := script(t, status(503, "Retry-After", "30"))
	policy := fastRetry
	policy.MaxElapsed = time.Minute
	var calls atomic.Int64
	tr := &transport{base: http.DefaultTransport, policy: policy, calls: &calls, logf: t.Logf}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	start := time.Now()
	_, err := tr.RoundTrip(req)
	assert.Assert(t, errors.Is(err, context.DeadlineExceeded), "got %v", err)
	assert.Assert(t, time.Since(start) < 5*time.Second)
	assert.Equal(t, hits.Load(), int64(1))
}

func TestTransportBoundsASlowAttempt(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	slow := func(w http.ResponseWriter, r *http.Request) { <-release }
	srv, hits := script(t, slow, status(200))
	t.Cleanup(func() { close(release) }) // runs before the server closes
	policy := fastRetry
	policy.AttemptTimeout = 100 * time.Millisecond
	resp, err, _ := send(t, srv, http.MethodGet, policy)
	assert.NilError(t, err)
	assert.Equal(t, resp.StatusCode, 200)
	assert.Equal(t, hits.Load(), int64(2))
}

func TestTransportGivesUpAfterMaxElapsed(t *testing.T) {
	t.Parallel()
	srv, hits := script(t, status(502))
	policy := fastRetry
	policy.MaxElapsed = 150 * time.Millisecond
	resp, err, _ := send(t, srv, http.MethodGet, policy)
	assert.NilError(t, err)
	assert.Equal(t, resp.StatusCode, 502)
	assert.Check(t, hits.Load() > 2, "only %d attempts", hits.Load())
	assert.Check(t, is.Contains(readAll(t, resp), "Bad Gateway"))
}

// 429s are retried past MaxElapsed, for the longer rate-limited budget: a
// run that shares its token with many others gets through.
func TestTransportWaitsLongerOutA429(t *testing.T) {
	t.Parallel()
	steps := make([]http.HandlerFunc, 12)
	for i := range steps {
		steps[i] = status(429)
	}
	srv, hits := script(t, append(steps, status(200))...)
	policy := fastRetry
	policy.MaxElapsed, policy.MaxElapsedLimited = 30*time.Millisecond, 5*time.Second
	start := time.Now()
	resp, err, _ := send(t, srv, http.MethodPost, policy)
	assert.NilError(t, err)
	assert.Equal(t, resp.StatusCode, 200)
	assert.Equal(t, hits.Load(), int64(13))
	assert.Check(t, time.Since(start) > policy.MaxElapsed, "took %s", time.Since(start))

	// Without a budget of its own, 429s get five times MaxElapsed.
	assert.Equal(t, RetryPolicy{MaxElapsed: time.Minute}.limitedBudget(), 5*time.Minute)
}

func readAll(t *testing.T, resp *http.Response) string {
	b, err := io.ReadAll(resp.Body)
	assert.NilError(t, err)
	return string(b)
}

// A request the client cannot send fails the same way every time: it is
// not retried, and not reported as the API being unavailable.
func TestClientDoesNotRetryARequestItCannotSend(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(srv.Close)
	c, err := New(Config{APIURL: srv.URL, TokenID: "id", Token: "bad\ntoken", Org: "acme", Retry: RetryPolicy{Initial: time.Millisecond, Max: time.Millisecond, MaxElapsed: time.Minute, AttemptTimeout: time.Second}})
	assert.NilError(t, err)
	start := time.Now()
	_, err = c.GetBranch(context.Background(), "app", "pr-1")
	assert.Check(t, is.ErrorContains(err, "invalid header field value"))
	assert.Check(t, !IsKind(err, KindTransient), "reported as unavailable: %v", err)
	assert.Check(t, is.Equal(c.Calls(), int64(1)))
	assert.Check(t, is.Equal(hits.Load(), int64(0)))
	assert.Check(t, time.Since(start) < time.Second, "took %s", time.Since(start))
}

func TestNewRefusesAnAPIURLThatIsNotHTTP(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"api.planetscale.com", "htps://api.planetscale.com", "http://", "http://%zz", "mysql://u:p@host/db"} {
		_, err := New(Config{APIURL: u, TokenID: "id", Token: "secret", Org: "acme"})
		assert.Check(t, is.ErrorContains(err, "is not an http(s) URL"), "%s", u)
	}
}

func TestNewTakesPlainHTTPOnlyToLoopback(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"http://api.example.com", "http://10.0.0.1:8787", "http://0.0.0.0:8787", "http://[::2]/", "http://localhost.example.com"} {
		_, err := New(Config{APIURL: u, TokenID: "id", Token: "secret", Org: "acme"})
		assert.Check(t, is.ErrorContains(err, u+" would send the service token unencrypted; use https://"), "%s", u)
	}
	for _, u := range []string{"https://api.example.com", "http://127.0.0.1:8787", "http://127.8.9.10", "http://[::1]:8787/", "http://localhost:8787", "HTTP://LOCALHOST"} {
		_, err := New(Config{APIURL: u, TokenID: "id", Token: "secret", Org: "acme"})
		assert.Check(t, is.Nil(err), "%s", u)
	}
}

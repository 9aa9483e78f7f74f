package planetscale

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

func newTestClient(t *testing.T, h http.HandlerFunc, policy RetryPolicy) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := New(Config{APIURL: srv.URL, TokenID: "id", Token: "secret", Org: "acme", Retry: policy, Logf: t.Logf})
	assert.NilError(t, err)
	return c
}

func TestClientClassifiesAPIErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		status int
		body   string
		kind   Kind
		exit   int
		text   string
	}{
		{401, `{"code":"unauthorized","message":"Bad token"}`, KindUnauthorized, 2, "get branch pr-1 of acme/app: unauthorized (HTTP 401 unauthorized): Bad token; check service_token_id and service_token"},
		{403, `{"code":"forbidden","message":"No access"}`, KindForbidden, 2, "forbidden (HTTP 403 forbidden): No access"},
		{404, `{"code":"not_found","message":"Not Found"}`, KindNotFound, 1, "get branch pr-1 of acme/app: not found (HTTP 404 not_found): Not Found"},
		{422, `{"code":"unprocessable","message":"Name is invalid"}`, KindInvalid, 1, "invalid (HTTP 422 unprocessable): Name is invalid"},
		{429, `{"code":"rate_limited","message":"Slow down"}`, KindRateLimited, 1, "rate limited (HTTP 429 rate_limited)"},
		{503, `oops`, KindTransient, 1, "unavailable (HTTP 503)"},
	}
	for _, tc := range cases {
		t.Run(http.StatusText(tc.status), func(t *testing.T) {
			t.Parallel()
			c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				w.Write([]byte(tc.body))
			}, RetryPolicy{Initial: time.Millisecond, Max: time.Millisecond, MaxElapsed: 10 * time.Millisecond, AttemptTimeout: time.Second})
			_, err := c.GetBranch(context.Background(), "app", "pr-1")
			var e *Error
			assert.Assert(t, errors.As(err, &e), "got %T %v", err, err)
			assert.Equal(t, e.Kind, tc.kind)
			assert.Equal(t, e.Status, tc.status)
			assert.Equal(t, e.ExitCode(), tc.exit)
			assert.Check(t, is.Contains(err.Error(), tc.text))
		})
	}
}

func TestClientSendsServiceTokenAndCountsCalls(t *testing.T) {
	t.Parallel()
	var auth []string
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		auth = append(auth, r.Header.Values("Authorization")...)
		switch r.URL.Path {
		case "/v1/organizations/acme/databases/app":
			w.Write([]byte(`{"name":"app","default_branch":"trunk","state":"ready"}`))
		case "/v1/organizations/acme/databases/app/branches/pr-1":
			w.Write([]byte(`{"name":"pr-1","parent_branch":"trunk","ready":true}`))
		default:
			http.NotFound(w, r)
		}
	}, fastRetry)
	db, err := c.GetDatabase(context.Background(), "app")
	assert.NilError(t, err)
	assert.Equal(t, db.DefaultBranch, "trunk")
	b, err := c.GetBranch(context.Background(), "app", "pr-1")
	assert.NilError(t, err)
	assert.Equal(t, b.ParentBranch, "trunk")
	assert.Assert(t, b.Ready)
	assert.DeepEqual(t, auth, []string{"id:secret", "id:secret"})
	assert.Equal(t, c.Calls(), int64(2))
}

func TestClientPassesContextErrorsThrough(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }, fastRetry)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.GetBranch(ctx, "app", "pr-1")
	assert.Assert(t, errors.Is(err, context.Canceled), "got %v", err)
}

func TestNewRequiresCredentials(t *testing.T) {
	t.Parallel()
	_, err := New(Config{Org: "acme"})
	assert.ErrorContains(t, err, "service token")
	_, err = New(Config{TokenID: "a", Token: "b"})
	assert.ErrorContains(t, err, "organization")
}

// Package planetscale is psflow's one client for the PlanetScale API: the
// official SDK behind a retrying transport, errors that say what failed
// and why, one waiter for every poll, and the branch-naming rules.
package planetscale

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

	ps "github.com/planetscale/planetscale-go/planetscale"
)

// DefaultAPIURL is the real API.
const DefaultAPIURL = "https://api.planetscale.com"

// Config configures a Client.
type Config struct {
	APIURL  string // default DefaultAPIURL
	TokenID string // service token id
	Token   string // service token secret
	Org     string // organization every call is scoped to
	Retry   RetryPolicy
	Base    http.RoundTripper                // default http.DefaultTransport
	Logf    func(format string, args ...any) // retries are logged here
}

// Client calls the PlanetScale API for one organization.
type Client struct {
	api   *ps.Client
	http  *http.Client // the retrying client under api, for calls the SDK lacks
	base  string       // API URL ending in "/"
	auth  string       // Authorization header value
	org   string
	calls atomic.Int64
}

// New returns a client for cfg. The SDK has no retries; the transport
// under it adds them.
func New(cfg Config) (*Client, error) {
	if cfg.TokenID == "" || cfg.Token == "" {
		return nil, errors.New("a service token id and secret are required")
	}
	if cfg.Org == "" {
		return nil, errors.New("an organization is required")
	}
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	if err := CheckAPIURL(cfg.APIURL); err != nil {
		return nil, err
	}
	if cfg.Retry == (RetryPolicy{}) {
		cfg.Retry = DefaultRetry()
	}
	if cfg.Base == nil {
		cfg.Base = http.DefaultTransport
	}
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	c := &Client{org: cfg.Org, base: strings.TrimSuffix(cfg.APIURL, "/") + "/", auth: cfg.TokenID + ":" + cfg.Token}
	c.http = &http.Client{Transport: &transport{base: cfg.Base, policy: cfg.Retry, calls: &c.calls, logf: cfg.Logf}}
	sdkHTTP := *c.http // WithServiceToken wraps the transport of the client it is given
	api, err := ps.NewClient(
		ps.WithBaseURL(c.base),
		ps.WithHTTPClient(&sdkHTTP), // before the token option, which wraps it
		ps.WithServiceToken(cfg.TokenID, cfg.Token),
		ps.WithUserAgent("psflow"),
	)
	if err != nil {
		return nil, fmt.Errorf("create the PlanetScale client: %w", err)
	}
	c.api = api
	return c, nil
}

// CheckAPIURL accepts an https URL, and an http one only for a loopback host such as a
// local emulator's, so that the service token never travels unencrypted.
func CheckAPIURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL such as %s", raw, DefaultAPIURL)
	}
	if u.Scheme == "http" && !Loopback(strings.ToLower(u.Hostname())) {
		return fmt.Errorf("%s would send the service token unencrypted; use https://, or plain http only to a loopback host (127.0.0.1, ::1, localhost) such as a local psflow-emulator", raw)
	}
	return nil
}

// Org is the organization the client is scoped to.
func (c *Client) Org() string { return c.org }

// Calls is the number of HTTP requests sent so far, retries included.
func (c *Client) Calls() int64 { return c.calls.Load() }

// call runs one SDK call and classifies its error.
func call[T any](ctx context.Context, op string, fn func(context.Context) (T, error)) (T, error) {
	return callRecorded(ctx, op, &record{}, fn)
}

// callRecorded is call keeping what the transport saw in rec.
func callRecorded[T any](ctx context.Context, op string, rec *record, fn func(context.Context) (T, error)) (T, error) {
	v, err := fn(context.WithValue(ctx, recordKey{}, rec))
	if err != nil {
		return v, classify(op, rec, err)
	}
	return v, nil
}

// getJSON GETs a path under /v1 of the API into v, for the fields the SDK
// does not decode (a database's default branch, a deploy operation's DDL).
func (c *Client) getJSON(ctx context.Context, path string, v any) error {
	return c.sendJSON(ctx, http.MethodGet, path, nil, v)
}

// sendJSON sends a request with an optional JSON body to a path under /v1
// of the API and decodes the answer into v, for calls the SDK lacks.
func (c *Client) sendJSON(ctx context.Context, method, path string, body, v any) error {
	var r io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+"v1/"+path, r)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", c.auth)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %s", method, path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return fmt.Errorf("decode %s: %w", path, err)
	}
	return nil
}

// exec is call for SDK methods that return only an error.
func exec(ctx context.Context, op string, fn func(context.Context) error) error {
	_, err := call(ctx, op, func(ctx context.Context) (struct{}, error) { return struct{}{}, fn(ctx) })
	return err
}

// Loopback reports whether a host[:port] is this machine, where a local
// emulator started with --insecure-mysql may speak no TLS.
func Loopback(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// perPage is the page size of the lists read whole.
const perPage = 100

// allPages runs one SDK list call per page, from page 1 until a page
// comes back short, and returns every item.
func allPages[T any](ctx context.Context, op string, list func(ctx context.Context, page int) ([]T, error)) ([]T, error) {
	var all []T
	for page := 1; ; page++ {
		items, err := call(ctx, op, func(ctx context.Context) ([]T, error) { return list(ctx, page) })
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		if len(items) < perPage {
			return all, nil
		}
	}
}

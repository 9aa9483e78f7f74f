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
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/cenkalti/backoff/v4"
)

// RetryPolicy bounds how the client retries transient failures.
type RetryPolicy struct {
	Initial        time.Duration // first back-off interval
	Max            time.Duration // back-off cap
	MaxElapsed     time.Duration // give up after this long in total
	AttemptTimeout time.Duration // one attempt's limit, body included
	// MaxElapsedLimited is how long 429s are retried in total; 0 means five times
	// MaxElapsed (docs/design/client.md).
	MaxElapsedLimited time.Duration
}

// limitedBudget is how long 429s are retried in total.
func (p RetryPolicy) limitedBudget() time.Duration {
	if p.MaxElapsedLimited > 0 {
		return p.MaxElapsedLimited
	}
	return 5 * p.MaxElapsed
}

// DefaultRetry is the policy psflow uses against the real API.
func DefaultRetry() RetryPolicy {
	return RetryPolicy{Initial: 250 * time.Millisecond, Max: 10 * time.Second, MaxElapsed: 2 * time.Minute, AttemptTimeout: 30 * time.Second}
}

// transport retries idempotent requests on network errors, 5xx and 429, backing off with
// jitter and Retry-After; POST and PATCH only on 429 (docs/design/client.md).
type transport struct {
	base   http.RoundTripper
	policy RetryPolicy
	calls  *atomic.Int64
	logf   func(format string, args ...any)
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	b := backoff.NewExponentialBackOff()
	b.InitialInterval, b.MaxInterval = t.policy.Initial, t.policy.Max
	b.MaxElapsedTime = max(t.policy.MaxElapsed, t.policy.limitedBudget())
	b.RandomizationFactor, b.Multiplier = 0.5, 2
	b.Reset()
	for attempt := 1; ; attempt++ {
		resp, err := t.attempt(req)
		limited := err == nil && resp.StatusCode == http.StatusTooManyRequests
		if limited {
			noteRateLimited(ctx) // a waiter slows down even when a retry gets through
		}
		if !retryable(req, resp, err) || ctx.Err() != nil {
			return t.record(req, resp, err)
		}
		budget := t.policy.MaxElapsed
		if limited {
			budget = t.policy.limitedBudget()
		}
		wait := b.NextBackOff()
		if ra, ok := retryAfter(resp); ok && wait != backoff.Stop {
			wait = max(wait, ra)
		}
		if wait != backoff.Stop && b.GetElapsedTime()+wait > budget {
			wait = backoff.Stop
		}
		if wait == backoff.Stop {
			return t.record(req, resp, err)
		}
		t.logf("retrying %s %s in %s (attempt %d: %s)", req.Method, req.URL.Path, wait.Round(time.Millisecond), attempt, describe(resp, err))
		if resp != nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, ctx.Err()
		case <-timer.C:
		}
	}
}

// attempt sends one try with its own deadline; the deadline ends when the
// body is closed, so a slow response body is bounded too.
func (t *transport) attempt(req *http.Request) (*http.Response, error) {
	t.calls.Add(1)
	ctx, cancel := context.WithTimeout(req.Context(), t.policy.AttemptTimeout)
	r := req.Clone(ctx)
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			cancel()
			return nil, err
		}
		r.Body = body
	}
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		timedOut := req.Context().Err() == nil && ctx.Err() != nil
		cancel()
		if timedOut {
			err = fmt.Errorf("no response within %s: %w", t.policy.AttemptTimeout, errAttemptTimeout)
		}
		return nil, err
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

var errAttemptTimeout = errors.New("attempt timed out")

type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// retryable reports whether a failed attempt may be sent again.
func retryable(req *http.Request, resp *http.Response, err error) bool {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete:
	default:
		return err == nil && resp.StatusCode == http.StatusTooManyRequests
	}
	if err != nil {
		return networkError(err)
	}
	return resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500
}

// networkError reports whether err is a network or server failure that a later attempt may
// not meet: a timeout, a refused, reset or closed connection, a failed lookup.
func networkError(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false
	}
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, errAttemptTimeout) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED)
}

// retryAfter parses a Retry-After header: delay-seconds or an HTTP date.
func retryAfter(resp *http.Response) (time.Duration, bool) {
	if resp == nil {
		return 0, false
	}
	v := resp.Header.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(time.Until(at), 0), true
	}
	return 0, false
}

func describe(resp *http.Response, err error) string {
	if err != nil {
		return err.Error()
	}
	return resp.Status
}

// record keeps the status and the API's error body of the final response
// for the caller's error classification (the SDK's error keeps neither).
func (t *transport) record(req *http.Request, resp *http.Response, err error) (*http.Response, error) {
	rec, _ := req.Context().Value(recordKey{}).(*record)
	if rec == nil {
		return resp, err
	}
	if err != nil {
		rec.netErr = err
		return resp, err
	}
	rec.status, rec.method, rec.path = resp.StatusCode, req.Method, req.URL.Path
	if resp.StatusCode >= 400 {
		body, rerr := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if rerr != nil {
			return nil, rerr
		}
		var apiErr struct{ Code, Message string }
		if json.Unmarshal(body, &apiErr) == nil {
			rec.code, rec.message = apiErr.Code, apiErr.Message
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
	}
	return resp, nil
}

// record is what the transport learnt about one call.
type record struct {
	status        int
	code, message string
	netErr        error
	method, path  string // of the request
}

type recordKey struct{}

// rateLimitNote counts the 429s the transport met while serving one poll.
type rateLimitNote struct{ n atomic.Int64 }

type rateLimitKey struct{}

// noteRateLimited tells the waiter whose poll ctx belongs to, if any,
// that a request was answered 429.
func noteRateLimited(ctx context.Context) {
	if note, ok := ctx.Value(rateLimitKey{}).(*rateLimitNote); ok {
		note.n.Add(1)
	}
}

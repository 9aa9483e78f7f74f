package planetscale

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// Kind classifies a failed API call.
type Kind int

// The kinds of failure the actions tell apart.
const (
	KindOther        Kind = iota // anything else
	KindUnauthorized             // 401: the service token is missing or wrong
	KindForbidden                // 403: the token lacks a permission
	KindNotFound                 // 404: no such organization, database, branch…
	KindInvalid                  // 400/409/422: the API refused the request as given
	KindRateLimited              // 429, still after retries
	KindTransient                // 5xx or a network error, still after retries
)

var kindNames = map[Kind]string{
	KindOther: "failed", KindUnauthorized: "unauthorized", KindForbidden: "forbidden",
	KindNotFound: "not found", KindInvalid: "invalid", KindRateLimited: "rate limited", KindTransient: "unavailable",
}

func (k Kind) String() string { return kindNames[k] }

// Error is a failed API call: what was attempted, and what the API said.
type Error struct {
	Op      string // e.g. "create branch pr-7 of acme/app"
	Kind    Kind
	Status  int    // HTTP status, 0 for a network error
	Code    string // the API's error code, e.g. "not_found"
	Message string // the API's message
	Err     error  // the underlying error
	// Access is, for a 404, the service token access the endpoint needs
	// (AccessFor), on Database.
	Access, Database string
}

func (e *Error) Error() string {
	msg := e.Message
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	s := fmt.Sprintf("%s: %s", e.Op, e.Kind)
	if e.Status != 0 {
		s += fmt.Sprintf(" (HTTP %d", e.Status)
		if e.Code != "" {
			s += " " + e.Code
		}
		s += ")"
	}
	if msg != "" {
		s += ": " + msg
	}
	switch e.Kind {
	case KindUnauthorized:
		s += "; check service_token_id and service_token (PLANETSCALE_SERVICE_TOKEN_ID, PLANETSCALE_SERVICE_TOKEN)"
	case KindForbidden:
		s += "; give the service token this permission on the database"
	case KindNotFound:
		if e.Access != "" {
			s += "; " + accessHint(e.Access, e.Database)
		}
	case KindRateLimited, KindTransient:
		s += "; the API kept failing after retries, try again later"
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// ExitCode makes credentials problems configuration errors (exit 2).
func (e *Error) ExitCode() int {
	if e.Kind == KindUnauthorized || e.Kind == KindForbidden {
		return 2
	}
	return 1
}

// IsKind reports whether err is an API error of kind k.
func IsKind(err error, k Kind) bool {
	var e *Error
	return errors.As(err, &e) && e.Kind == k
}

// Transient reports whether err is an API failure that may pass: a 5xx, a
// network error or a 429, still after the transport's retries.
func Transient(err error) bool {
	return IsKind(err, KindTransient) || IsKind(err, KindRateLimited)
}

// classify turns what the SDK returned, plus what the transport saw, into an
// *Error. Context errors are passed through so callers can tell a timeout.
func classify(op string, rec *record, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w", op, err)
	}
	e := &Error{Op: op, Status: rec.status, Code: rec.code, Message: rec.message, Err: err}
	switch s := rec.status; {
	case rec.netErr != nil && networkError(rec.netErr):
		e.Kind = KindTransient
	case rec.netErr != nil:
		e.Kind = KindOther
	case s == http.StatusUnauthorized:
		e.Kind = KindUnauthorized
	case s == http.StatusForbidden:
		e.Kind = KindForbidden
	case s == http.StatusNotFound:
		e.Kind = KindNotFound
		e.Access, e.Database = AccessFor(rec.method, rec.path)
	case s == http.StatusTooManyRequests:
		e.Kind = KindRateLimited
	case s >= 500:
		e.Kind = KindTransient
	case s >= 400:
		e.Kind = KindInvalid
	}
	return e
}

package ghfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxBodyChars is GitHub's limit on a comment body, in characters.
const MaxBodyChars = 65536

// supportedVersions are the X-GitHub-Api-Version values the API accepts.
var supportedVersions = map[string]bool{"2022-11-28": true, "2026-03-10": true}

// violation is a request that breaks GitHub's documented rules: the test is
// told (when report is set) and the client gets GitHub's answer.
type violation struct {
	status int
	report bool
	body   apiError
}

// detail is the message with its field errors, for the test's report.
func (v *violation) detail() string {
	msg := v.body.Message
	for _, e := range v.body.Errors {
		msg += fmt.Sprintf("; %s %s: %s %s", e.Resource, e.Field, e.Code, e.Message)
	}
	return msg
}

func newViolation(status int, report bool, message string) *violation {
	return &violation{status: status, report: report, body: apiError{Message: message, DocumentationURL: docsURL}}
}

// serve checks a request, applies faults and dispatches it to its route.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	r.Body = io.NopCloser(bytes.NewReader(raw))
	_, pattern := s.mux.Handler(r)
	rec := &statusWriter{ResponseWriter: w}
	defer func() {
		s.record(Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Body: string(raw), Pattern: pattern, Status: rec.status})
	}()
	s.setCommonHeaders(rec)

	v := s.checkHeaders(r)
	if v == nil && pattern == "" {
		v = newViolation(http.StatusNotFound, true, "Not Found")
	}
	if v == nil && (r.Method == http.MethodPost || r.Method == http.MethodPatch) {
		v = checkBody(r, raw)
	}
	if v == nil {
		if status, ok := s.takeFault(r.Method, r.URL.Path); ok {
			writeError(rec, status, faultMessage(status))
			return
		}
		s.mux.ServeHTTP(rec, r) // (not the handler itself: the mux sets the path values)
		return
	}
	if v.report {
		s.t.Errorf("ghfake: %s %s: %s (GitHub answers %d)", r.Method, r.URL.Path, v.detail(), v.status)
	}
	v.body.Status = fmt.Sprint(v.status)
	writeJSON(rec, v.status, v.body)
}

// checkHeaders enforces User-Agent, Authorization, the API version and
// Accept, in the order GitHub does.
func (s *Server) checkHeaders(r *http.Request) *violation {
	if r.Header.Get("User-Agent") == "" {
		return newViolation(http.StatusForbidden, true,
			"Request forbidden by administrative rules. Please make sure your request has a User-Agent header")
	}
	auth := r.Header.Get("Authorization")
	scheme, token, _ := strings.Cut(auth, " ")
	switch {
	case auth == "":
		return newViolation(http.StatusUnauthorized, true, "Requires authentication")
	case !strings.EqualFold(scheme, "bearer") && !strings.EqualFold(scheme, "token"):
		return newViolation(http.StatusUnauthorized, true, "Bad credentials")
	case token != s.Token:
		// A wrong token is a state a test may provoke, not a malformed request.
		return newViolation(http.StatusUnauthorized, false, "Bad credentials")
	}
	if v := r.Header.Get("X-GitHub-Api-Version"); v != "" && !supportedVersions[v] {
		return newViolation(http.StatusBadRequest, true, fmt.Sprintf("API version '%s' is not supported.", v))
	}
	accept := r.Header.Get("Accept")
	if !strings.Contains(accept, "application/vnd.github") && !strings.Contains(accept, "application/json") {
		return newViolation(http.StatusUnsupportedMediaType, true,
			fmt.Sprintf("Unsupported 'Accept' header: %q. Must accept 'application/json'.", accept))
	}
	return nil
}

// checkBody enforces a JSON body whose only field is a non-empty string
// "body" of at most MaxBodyChars characters.
func checkBody(r *http.Request, raw []byte) *violation {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return newViolation(http.StatusUnsupportedMediaType, true,
			fmt.Sprintf("Unsupported 'Content-Type' header: %q, expected application/json", r.Header.Get("Content-Type")))
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return newViolation(http.StatusBadRequest, true, "Problems parsing JSON")
	}
	for name := range fields {
		if name != "body" {
			return invalid(fmt.Sprintf("Invalid request.\n\n%q is not a permitted key.", name))
		}
	}
	rawBody, ok := fields["body"]
	if !ok {
		return validationFailed(fieldError{Resource: "IssueComment", Code: "missing_field", Field: "body"})
	}
	var body string
	if err := json.Unmarshal(rawBody, &body); err != nil {
		return invalid(fmt.Sprintf("Invalid request.\n\nFor 'properties/body', %s is not a string.", rawBody))
	}
	if strings.TrimSpace(body) == "" {
		return validationFailed(fieldError{Resource: "IssueComment", Code: "missing_field", Field: "body"})
	}
	if n := utf8.RuneCountInString(body); n > MaxBodyChars {
		return validationFailed(fieldError{Resource: "IssueComment", Code: "unprocessable", Field: "data",
			Message: fmt.Sprintf("Body is too long (maximum is %d characters)", MaxBodyChars)})
	}
	return nil
}

// invalid is GitHub's 422 for a body that does not fit the schema.
func invalid(message string) *violation {
	return newViolation(http.StatusUnprocessableEntity, true, message)
}

// validationFailed is GitHub's 422 "Validation Failed" with its errors list.
func validationFailed(errs ...fieldError) *violation {
	v := newViolation(http.StatusUnprocessableEntity, true, "Validation Failed")
	v.body.Errors = errs
	v.body.DocumentationURL = "https://docs.github.com/rest/issues/comments#create-an-issue-comment"
	return v
}

// statusWriter remembers the status written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// setCommonHeaders adds the headers api.github.com puts on every answer.
func (s *Server) setCommonHeaders(w http.ResponseWriter) {
	s.mu.Lock()
	used := len(s.log)%4999 + 1
	s.mu.Unlock()
	h := w.Header()
	h.Set("X-GitHub-Media-Type", "github.v3; format=json")
	h.Set("X-GitHub-Api-Version-Selected", "2022-11-28")
	h.Set("X-RateLimit-Limit", "5000")
	h.Set("X-RateLimit-Remaining", strconv.Itoa(5000-used))
	h.Set("X-RateLimit-Used", strconv.Itoa(used))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10))
	h.Set("X-RateLimit-Resource", "core")
}

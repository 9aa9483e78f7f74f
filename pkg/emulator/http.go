package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// apiError is an error the API answers with: an HTTP status and the
// PlanetScale error body {"code","message"}.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.status, e.code, e.message) }

// errorBody is the JSON shape of every API error.
type errorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func newAPIError(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

// notFound is the API's 404 for an unknown organization, database, branch,
// password, backup or deploy request.
func notFound(format string, args ...any) *apiError {
	return newAPIError(http.StatusNotFound, "not_found", format, args...)
}

// unprocessable is the API's 422 for a request it understood but refuses:
// invalid names, duplicates, actions not allowed in the current state.
func unprocessable(format string, args ...any) *apiError {
	return newAPIError(http.StatusUnprocessableEntity, "unprocessable", format, args...)
}

// badRequest is the API's 400 for a body it cannot read.
func badRequest(format string, args ...any) *apiError {
	return newAPIError(http.StatusBadRequest, "bad_request", format, args...)
}

// codeForStatus is the error code the API uses with an HTTP status, for
// injected faults that give no body of their own.
func codeForStatus(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "bad_request"
	case http.StatusUnauthorized:
		return "unauthorized"
	case http.StatusForbidden:
		return "forbidden"
	case http.StatusNotFound:
		return "not_found"
	case http.StatusUnprocessableEntity:
		return "unprocessable"
	case http.StatusTooManyRequests:
		return "rate_limited"
	case http.StatusServiceUnavailable:
		return "service_unavailable"
	default:
		if status >= 500 {
			return "internal"
		}
		return "error"
	}
}

// writeJSON writes v as the JSON response body with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	if status == http.StatusNoContent || v == nil {
		return
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// writeError writes err as an API error; errors that are not *apiError
// become a 500 internal error.
func writeError(w http.ResponseWriter, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		ae = newAPIError(http.StatusInternalServerError, "internal", "internal error: %v", err)
	}
	writeJSON(w, ae.status, errorBody{Code: ae.code, Message: ae.message})
}

// decodeBody reads an optional JSON request body into v. An empty body
// leaves v as it is.
func decodeBody(r *http.Request, v any) error {
	data, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return badRequest("reading request body: %v", err)
	}
	if len(data) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return badRequest("invalid JSON body: %v", err)
	}
	return nil
}

// boolQuery reads a boolean query parameter ("true"/"1" are true).
func boolQuery(r *http.Request, name string) bool {
	v, err := strconv.ParseBool(r.URL.Query().Get(name))
	return err == nil && v
}

// noContent answers 204 with no body.
func noContent(w http.ResponseWriter) error {
	w.WriteHeader(http.StatusNoContent)
	return nil
}

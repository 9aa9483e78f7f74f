package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
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

// apiHandler serves one endpoint; a returned error becomes the API error
// response.
type apiHandler func(w http.ResponseWriter, r *http.Request) error

// The API paths the routes are made of.
const (
	orgRoute = "/v1/organizations/{organization}"
	dbRoute  = orgRoute + "/databases/{database}"
	brRoute  = dbRoute + "/branches/{branch}"
	drRoute  = dbRoute + "/deploy-requests/{number}"
)

// tokenKey carries the id of the service token a request authenticated
// with.
type tokenKey struct{}

// withToken returns r carrying the token id.
func withToken(r *http.Request, id string) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), tokenKey{}, id))
}

// tokenOf returns the id of the service token r authenticated with.
func tokenOf(r *http.Request) string {
	id, _ := r.Context().Value(tokenKey{}).(string)
	return id
}

// endpoint adapts an apiHandler, writing its error as an API error.
func endpoint(log *slog.Logger, h apiHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			var ae *apiError
			if !errors.As(err, &ae) {
				log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
			}
			writeError(w, err)
		}
	})
}

// unauthorized is the API's 401 for a missing or wrong service token.
func unauthorized() *apiError {
	return newAPIError(http.StatusUnauthorized, "unauthorized",
		"the service token is missing or invalid: send Authorization: <SERVICE_TOKEN_ID>:<SERVICE_TOKEN>")
}

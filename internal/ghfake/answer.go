package ghfake

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// docsURL is the documentation_url GitHub puts in its generic errors.
const docsURL = "https://docs.github.com/rest"

// apiError is GitHub's error document.
type apiError struct {
	Message          string       `json:"message"`
	Errors           []fieldError `json:"errors,omitempty"`
	DocumentationURL string       `json:"documentation_url"`
	Status           string       `json:"status"`
}

// fieldError is one entry of a 422's errors list.
type fieldError struct {
	Resource string `json:"resource"`
	Code     string `json:"code"`
	Field    string `json:"field"`
	Message  string `json:"message,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// writeError answers GitHub's error document with message.
func writeError(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, apiError{Message: message, DocumentationURL: docsURL, Status: strconv.Itoa(status)})
}

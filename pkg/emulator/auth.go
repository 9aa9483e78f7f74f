package emulator

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// authenticate checks the service token header, "Authorization:
// <id>:<token>", and returns the token id.
func (e *Emulator) authenticate(r *http.Request) (string, bool) {
	got := r.Header.Get("Authorization")
	want := e.cfg.TokenID + ":" + e.cfg.Token
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return "", false
	}
	id, _, _ := strings.Cut(got, ":")
	return id, true
}

// unauthorized is the API's 401 for a missing or wrong service token.
func unauthorized() *apiError {
	return newAPIError(http.StatusUnauthorized, "unauthorized",
		"the service token is missing or invalid: send Authorization: <SERVICE_TOKEN_ID>:<SERVICE_TOKEN>")
}

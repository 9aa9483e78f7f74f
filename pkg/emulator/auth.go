package emulator

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// authenticate checks the service token header, "Authorization:
// <id>:<token>", and returns the token id.
func (e *Emulator) authenticate(r *http.Request) (string, bool) {
	id, secret, _ := strings.Cut(r.Header.Get("Authorization"), ":")
	want, known := e.tokens[id]
	if subtle.ConstantTimeCompare([]byte(secret), []byte(want)) != 1 || !known {
		return "", false
	}
	return id, true
}

// Token is a service token: its id and secret.
type Token struct {
	ID, Secret string
}

// unauthorized is the API's 401 for a missing or wrong service token.
func unauthorized() *apiError {
	return newAPIError(http.StatusUnauthorized, "unauthorized",
		"the service token is missing or invalid: send Authorization: <SERVICE_TOKEN_ID>:<SERVICE_TOKEN>")
}

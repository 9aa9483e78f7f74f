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

package emulator

import (
	"crypto/rand"
	"regexp"
)

const idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// randomString returns n random lowercase letters and digits.
func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}
	return string(b)
}

// newPassword returns a new password in PlanetScale's format.
func newPassword() string { return "pscale_pw_" + randomString(32) }

// branchName is PlanetScale's rule for branch names: lowercase letters,
// digits and dashes, starting with a letter or digit.
var branchName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

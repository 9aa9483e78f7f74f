package emulator

import (
	"crypto/rand"
	"fmt"
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

// databasePrefix starts every storage database name of this instance.
func (e *Emulator) databasePrefix() string { return "pse" + e.prefix + "_" }

// userPrefix starts every MySQL user name of this instance.
func (e *Emulator) userPrefix() string { return "pscale_" + e.prefix + "_" }

// nextStorageName returns a new storage database name, pse<prefix>_<n>.
// The caller holds e.mu.
func (e *Emulator) nextStorageName() string {
	e.dbSeq++
	return fmt.Sprintf("%s%d", e.databasePrefix(), e.dbSeq)
}

// newUsername returns a new MySQL user name (at most 32 characters).
func (e *Emulator) newUsername() string { return e.userPrefix() + randomString(12) }

// newPassword returns a new password in PlanetScale's format.
func newPassword() string { return "pscale_pw_" + randomString(32) }

// branchName is PlanetScale's rule for branch names: lowercase letters,
// digits and dashes, starting with a letter or digit.
var branchName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

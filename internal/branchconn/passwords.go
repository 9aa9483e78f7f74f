package branchconn

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/psflow/psflow/internal/scope"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

// The purposes of psflow's passwords, the second word of their names.
const (
	// PurposeCI is the password create-branch (and seed-branch's recreate)
	// hands to later steps: one per branch and role.
	PurposeCI = "ci"
	// PurposeSeed is seed-branch's own, for one run's loading.
	PurposeSeed = "seed"
	// PurposeSetupMigrations is setup-migrations' own, for one run.
	PurposeSetupMigrations = "setup-migrations"
)

// PasswordKind is what psflow creates a password for, and with which role;
// it names it psflow-<purpose>-<role>-<unix nanoseconds>.
type PasswordKind struct {
	Purpose string // PurposeCI, PurposeSeed or PurposeSetupMigrations
	Role    string // reader, writer, readwriter or admin
}

// prefix is what every name of the kind starts with.
func (k PasswordKind) prefix() string { return "psflow-" + k.Purpose + "-" + k.Role + "-" }

// NewName names a new password of the kind.
func (k PasswordKind) NewName() string {
	return k.prefix() + strconv.FormatInt(time.Now().UnixNano(), 10)
}

// Owns reports whether p is a password of the kind that psflow created on
// branch, under its current or its old name, with the kind's role.
func (k PasswordKind) Owns(p *planetscale.Password, branch string) bool {
	if p.Role != "" && p.Role != k.Role {
		return false
	}
	if rest, ok := strings.CutPrefix(p.Name, k.prefix()); ok && digits(rest) {
		return true
	}
	rest, ok := strings.CutPrefix(p.Name, "psflow-"+branch+"-")
	return ok && k.Purpose == PurposeCI && digits(rest) && !newStyle(p.Name)
}

// roles are the roles a password can have.
var roles = []string{"reader", "writer", "readwriter", "admin"}

// newStyle reports whether name is as NewName names some kind's
// passwords.
func newStyle(name string) bool {
	for _, purpose := range []string{PurposeCI, PurposeSeed, PurposeSetupMigrations} {
		for _, role := range roles {
			if rest, ok := strings.CutPrefix(name, PasswordKind{purpose, role}.prefix()); ok && digits(rest) {
				return true
			}
		}
	}
	return false
}

// digits reports whether s is a non-empty run of decimal digits.
func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// before orders passwords by creation, then by name (whose unix
// nanoseconds break a tie within the API's millisecond).
func before(p, q *planetscale.Password) bool {
	if !p.CreatedAt.Equal(q.CreatedAt) {
		return p.CreatedAt.Before(q.CreatedAt)
	}
	return p.Name < q.Name
}

// earlier lists the passwords of kind on branch that psflow created before
// own (leaving those of runs that came after, which replace own in turn).
func earlier(ctx context.Context, c *planetscale.Client, db, branch string, kind PasswordKind, own *planetscale.Password) ([]*planetscale.Password, error) {
	list, err := c.ListPasswords(ctx, db, branch)
	if err != nil {
		return nil, err
	}
	var out []*planetscale.Password
	for _, p := range list {
		if p.PublicID != own.PublicID && kind.Owns(p, branch) && before(p, own) {
			out = append(out, p)
		}
	}
	return out, nil
}

// replaceEarlier deletes the passwords of kind that earlier runs created on
// branch, once own exists; failing to is a warning.
func replaceEarlier(ctx context.Context, s *step.Step, c *planetscale.Client, db, branch string, kind PasswordKind, own *planetscale.Password) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), CleanupTimeout)
	defer cancel()
	old, err := earlier(ctx, c, db, branch, kind, own)
	if err != nil {
		s.Warnf("could not look for psflow's earlier passwords on branch %s of %s: %v; they expire with their TTL", branch, scope.OrgDatabase(s), err)
		return
	}
	for _, p := range old {
		removePassword(ctx, s, c, db, branch, p, "replaced psflow's earlier password id %s of branch %s (%s)")
	}
}

// leftoverLog is how a run reports a password of a run that did not end.
const leftoverLog = "deleted psflow's leftover password id %s of branch %s (%s), left by an earlier run that did not finish"

// DeleteLeftovers deletes every password of kind that psflow created on
// branch, for a run that knows none can be needed; failing to is a warning.
func DeleteLeftovers(ctx context.Context, s *step.Step, c *planetscale.Client, db, branch string, kind PasswordKind) {
	list, err := c.ListPasswords(ctx, db, branch)
	if err != nil {
		s.Warnf("could not look for psflow's earlier passwords on branch %s of %s: %v; they expire with their TTL", branch, scope.OrgDatabase(s), err)
		return
	}
	for _, p := range list {
		if kind.Owns(p, branch) {
			removePassword(ctx, s, c, db, branch, p, leftoverLog)
		}
	}
}

// removePassword deletes one of psflow's passwords, logging done (with its
// id, branch and role) or warning that it could not.
func removePassword(ctx context.Context, s *step.Step, c *planetscale.Client, db, branch string, p *planetscale.Password, done string) {
	if err := c.DeletePassword(ctx, db, branch, p.PublicID); err != nil && !planetscale.IsKind(err, planetscale.KindNotFound) {
		s.Warnf("could not delete psflow's earlier password id %s of branch %s (%s): %v; it expires %s", p.PublicID, branch, p.Role, err, Expiry(p))
		return
	}
	s.Logf(done, p.PublicID, branch, p.Role)
}

// CleanupTimeout bounds each clean-up call made after the run's own
// context ended, such as the password deletion after SIGTERM.
const CleanupTimeout = 10 * time.Second

// Expiry says when a password expires, for log lines.
func Expiry(p *planetscale.Password) string {
	if p.ExpiresAt.IsZero() {
		return "never"
	}
	return p.ExpiresAt.UTC().Format(time.RFC3339)
}

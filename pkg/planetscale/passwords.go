package planetscale

import (
	"context"
	"errors"
	"fmt"
	"time"

	ps "github.com/planetscale/planetscale-go/planetscale"
)

// Password is a branch password; PlainText is set only when it is created.
type Password = ps.DatabaseBranchPassword

// Credentials are a new password and where it connects.
type Credentials struct {
	*Password
	Database string // the PlanetScale database: the schema name clients use
}

// CreatePassword mints a password on a branch with a role and a TTL.
func (c *Client) CreatePassword(ctx context.Context, db, branch, name, role string, ttl time.Duration) (*Credentials, error) {
	pw, err := call(ctx, fmt.Sprintf("create a %s password on branch %s of %s/%s", role, branch, c.org, db), func(ctx context.Context) (*Password, error) {
		return c.api.Passwords.Create(ctx, &ps.DatabaseBranchPasswordRequest{
			Organization: c.org, Database: db, Branch: branch, Name: name, Role: role, TTL: int(ttl.Seconds()),
		})
	})
	if err != nil {
		return nil, err
	}
	return &Credentials{Password: pw, Database: db}, nil
}

// DeletePassword deletes a branch password.
func (c *Client) DeletePassword(ctx context.Context, db, branch, id string) error {
	return exec(ctx, fmt.Sprintf("delete password %s on branch %s of %s/%s", id, branch, c.org, db), func(ctx context.Context) error {
		return c.api.Passwords.Delete(ctx, &ps.DeleteDatabaseBranchPasswordRequest{Organization: c.org, Database: db, Branch: branch, PasswordId: id})
	})
}

// ListPasswords returns the passwords of a branch, all pages.
func (c *Client) ListPasswords(ctx context.Context, db, branch string) ([]*Password, error) {
	return allPages(ctx, fmt.Sprintf("list passwords on branch %s of %s/%s", branch, c.org, db), func(ctx context.Context, page int) ([]*Password, error) {
		return c.api.Passwords.List(ctx, &ps.ListDatabaseBranchPasswordRequest{Organization: c.org, Database: db, Branch: branch},
			ps.WithPage(page), ps.WithPerPage(perPage))
	})
}

// cleanupTimeout bounds the reconciliation of a password create, which
// runs even after ctx has ended (a timeout, SIGTERM).
const cleanupTimeout = 10 * time.Second

// MintPassword creates a password called name, unique to the run, and reconciles a create
// of unknown outcome (docs/design/client.md); logf says what it reconciled.
func (c *Client) MintPassword(ctx context.Context, db, branch, name, role string, ttl time.Duration, logf func(string, ...any)) (*Credentials, error) {
	const attempts = 2
	for attempt := 1; ; attempt++ {
		cred, err := c.CreatePassword(ctx, db, branch, name, role, ttl)
		if err == nil || !ambiguous(err) {
			return cred, err
		}
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
		deleted, derr := c.deletePasswordsNamed(cctx, db, branch, name)
		cancel()
		for _, id := range deleted {
			logf("password id %s (%s) of the create whose answer was lost deleted", id, name)
		}
		if derr != nil {
			return nil, fmt.Errorf("%w; a password %s may be left on branch %s until it expires: %w", err, name, branch, derr)
		}
		if attempt == attempts || ctx.Err() != nil {
			return nil, err
		}
		logf("creating password %s failed (%v); trying again", name, err)
	}
}

// ambiguous reports whether a failed create may have happened all the
// same: the API refused it for none of the reasons it answers at once.
func ambiguous(err error) bool {
	for _, k := range []Kind{KindUnauthorized, KindForbidden, KindNotFound, KindInvalid, KindRateLimited} {
		if IsKind(err, k) {
			return false
		}
	}
	return true
}

// deletePasswordsNamed deletes a branch's passwords called name and
// returns their ids.
func (c *Client) deletePasswordsNamed(ctx context.Context, db, branch, name string) ([]string, error) {
	list, err := c.ListPasswords(ctx, db, branch)
	if err != nil {
		return nil, err
	}
	var deleted []string
	var errs []error
	for _, p := range list {
		if p.Name != name {
			continue
		}
		if err := c.DeletePassword(ctx, db, branch, p.PublicID); err != nil && !IsKind(err, KindNotFound) {
			errs = append(errs, err)
			continue
		}
		deleted = append(deleted, p.PublicID)
	}
	return deleted, errors.Join(errs...)
}

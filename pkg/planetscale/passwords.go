package planetscale

import (
	"cmp"
	"context"
	"fmt"
	"time"

	ps "github.com/planetscale/planetscale-go/planetscale"
)

// Password is a branch password; PlainText is set only when it is created.
type Password = ps.DatabaseBranchPassword

// Credentials are a new password and where it connects.
type Credentials struct {
	*Password
	Database string // MySQL database to use: the PlanetScale database, or an emulator's
}

// CreatePassword mints a password on a branch with a role and a TTL.
func (c *Client) CreatePassword(ctx context.Context, db, branch, name, role string, ttl time.Duration) (*Credentials, error) {
	rec := &record{}
	pw, err := callRecorded(ctx, fmt.Sprintf("create a %s password on branch %s of %s/%s", role, branch, c.org, db), rec, func(ctx context.Context) (*Password, error) {
		return c.api.Passwords.Create(ctx, &ps.DatabaseBranchPasswordRequest{
			Organization: c.org, Database: db, Branch: branch, Name: name, Role: role, TTL: int(ttl.Seconds()),
		})
	})
	if err != nil {
		return nil, err
	}
	return &Credentials{Password: pw, Database: cmp.Or(rec.database, db)}, nil
}

// DeletePassword deletes a branch password.
func (c *Client) DeletePassword(ctx context.Context, db, branch, id string) error {
	return exec(ctx, fmt.Sprintf("delete password %s on branch %s of %s/%s", id, branch, c.org, db), func(ctx context.Context) error {
		return c.api.Passwords.Delete(ctx, &ps.DeleteDatabaseBranchPasswordRequest{Organization: c.org, Database: db, Branch: branch, PasswordId: id})
	})
}

// ListPasswords returns the passwords of a branch, all pages.
func (c *Client) ListPasswords(ctx context.Context, db, branch string) ([]*Password, error) {
	const perPage = 100
	var all []*Password
	for page := 1; ; page++ {
		list, err := call(ctx, fmt.Sprintf("list passwords on branch %s of %s/%s", branch, c.org, db), func(ctx context.Context) ([]*Password, error) {
			return c.api.Passwords.List(ctx, &ps.ListDatabaseBranchPasswordRequest{Organization: c.org, Database: db, Branch: branch},
				ps.WithPage(page), ps.WithPerPage(perPage))
		})
		if err != nil {
			return nil, err
		}
		all = append(all, list...)
		if len(list) < perPage {
			return all, nil
		}
	}
}

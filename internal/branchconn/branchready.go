package branchconn

import (
	"context"
	"fmt"
	"time"

	"github.com/psflow/psflow/internal/scope"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

// WaitBranchReady polls a branch until it is ready, for at most timeout.
func WaitBranchReady(ctx context.Context, s *step.Step, c *planetscale.Client, db, name string, timeout time.Duration) (*planetscale.Branch, error) {
	var b *planetscale.Branch
	w := &planetscale.Waiter{
		What:    fmt.Sprintf("branch %s of %s to be ready", name, scope.OrgDatabase(s)),
		Timeout: timeout,
		Logf:    s.Logf,
	}
	_, err := w.Wait(ctx, func(ctx context.Context) (string, bool, error) {
		var err error
		if b, err = c.GetBranch(ctx, db, name); err != nil {
			return "", false, err
		}
		if b.Ready {
			return "ready", true, nil
		}
		return "not ready", false, nil
	})
	return b, err
}

// CredentialOutputs are the outputs OutputPassword sets.
var CredentialOutputs = []step.Output{
	{Name: "host", Description: "MySQL host of the branch."},
	{Name: "username", Description: "MySQL username."},
	{Name: "password", Description: "MySQL password.", Secret: true},
	{Name: "password_id", Description: "Id of the password, to delete it later."},
	{Name: "database_url", Description: "mysql://user:password@host/database URL.", Secret: true},
	{Name: "dsn", Description: "go-sql-driver/mysql DSN.", Secret: true},
}

// OutputPassword mints a password on branch b, outputs its connection
// details masked and deletes the ones earlier runs handed out with its role.
func OutputPassword(ctx context.Context, s *step.Step, c *planetscale.Client, db string, b *planetscale.Branch, role string, ttl time.Duration, created bool) error {
	kind := PasswordKind{Purpose: PurposeCI, Role: role}
	cred, err := c.MintPassword(ctx, db, b.Name, kind.NewName(), role, ttl, s.Logf)
	if err != nil {
		return err
	}
	s.Mask(cred.PlainText)
	tls := s.String(MySQLCAInput.Name) != "" || !planetscale.Loopback(cred.Hostname)
	s.Output("host", cred.Hostname)
	s.Output("username", cred.Username)
	s.Output("password", cred.PlainText)
	s.Output("password_id", cred.PublicID)
	s.Output("database_url", cred.URL(tls))
	s.Output("dsn", cred.DSN(tls))
	s.Logf("password id %s (%s, expires %s) created on branch %s", cred.PublicID, cred.Role, Expiry(cred.Password), b.Name)
	if !created {
		replaceEarlier(ctx, s, c, db, b.Name, kind, cred.Password)
	}
	return nil
}

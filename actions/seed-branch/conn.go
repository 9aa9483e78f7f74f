package seedbranch

import (
	"context"
	"crypto/tls"
	"database/sql"
	"fmt"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/psflow/psflow/actions/shared"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

// cleanupTimeout bounds each clean-up call made after the run's own
// context ended, such as the password deletion after SIGTERM.
const cleanupTimeout = 10 * time.Second

// branchConn is a short-lived password on a branch and the connection pool
// that uses it. close deletes the password.
type branchConn struct {
	s        *step.Step
	c        *planetscale.Client
	database string // PlanetScale database
	branch   string
	cred     *planetscale.Credentials
	tls      *tls.Config // nil: plaintext
	pool     *sql.DB
}

// openBranch mints an admin password on the branch, masks it at once and
// connects with it, over TLS as the tls and mysql_ca inputs say (the CA
// file is read first, so a bad one stops the step before anything is
// created). On error nothing is left behind: a password whose creation
// may have happened is looked up by name and deleted
// (planetscale.Client.MintPassword).
func openBranch(ctx context.Context, s *step.Step, c *planetscale.Client, database, branch string, conns int) (*branchConn, error) {
	mode := s.String("tls")
	ca, err := shared.MySQLCA(s, mode)
	if err != nil {
		return nil, err
	}
	name := fmt.Sprintf("psflow-seed-%s-%d", branch, time.Now().UnixNano())
	cred, err := c.MintPassword(ctx, database, branch, name, "admin", s.Duration("password_ttl"), s.Logf)
	if err != nil {
		return nil, err
	}
	s.Mask(cred.PlainText)
	bc := &branchConn{s: s, c: c, database: database, branch: branch, cred: cred}
	if bc.tls, err = shared.MySQLTLS(cred.Hostname, mode, ca); err != nil {
		bc.close()
		return nil, err
	}
	how := "off"
	switch {
	case bc.tls != nil && ca != nil:
		how = "on, verified with the system roots and mysql_ca"
	case bc.tls != nil:
		how = "on, verified with the system roots"
	}
	s.Logf("password %s created on branch %s (expires %s); connecting to %s as %s, database %s, TLS %s",
		cred.PublicID, branch, expiry(cred), cred.Hostname, cred.Username, cred.Database, how)
	if err := bc.connect(ctx, conns); err != nil {
		bc.close()
		return nil, err
	}
	return bc, nil
}

// connect opens the pool and checks that the server answers.
func (bc *branchConn) connect(ctx context.Context, conns int) error {
	cfg := bc.cred.MySQLConfig(bc.tls)
	// Statements go alone, as text, up to the server's own packet limit,
	// which the loader checks with a clear message.
	cfg.MultiStatements, cfg.InterpolateParams = false, false
	cfg.MaxAllowedPacket = 0
	cfg.Timeout = 15 * time.Second
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return fmt.Errorf("connection details of password %s: %w", bc.cred.PublicID, err)
	}
	bc.pool = sql.OpenDB(connector)
	bc.pool.SetMaxOpenConns(conns)
	if err := bc.pool.PingContext(ctx); err != nil {
		return fmt.Errorf("connect to branch %s of %s at %s: %w", bc.branch, shared.Where(bc.s), bc.cred.Hostname, err)
	}
	return nil
}

// close closes the pool and deletes the password, with a fresh context so
// that it happens after a timeout or SIGTERM too.
func (bc *branchConn) close() {
	if bc.pool != nil {
		_ = bc.pool.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	if err := bc.c.DeletePassword(ctx, bc.database, bc.branch, bc.cred.PublicID); err != nil {
		bc.s.Warnf("could not delete password %s on branch %s of %s: %v; it expires %s",
			bc.cred.PublicID, bc.branch, shared.Where(bc.s), err, expiry(bc.cred))
		return
	}
	bc.s.Logf("password %s deleted", bc.cred.PublicID)
}

// expiry says when a password expires, for log lines.
func expiry(cred *planetscale.Credentials) string {
	if cred.ExpiresAt.IsZero() {
		return "never"
	}
	return cred.ExpiresAt.UTC().Format(time.RFC3339)
}

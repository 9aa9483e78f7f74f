package seedbranch

import (
	"context"
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
	tls      bool
	pool     *sql.DB
}

// openBranch mints an admin password on the branch, masks it at once and
// connects with it. On error nothing is left behind: a password whose
// creation may have happened is looked up by name and deleted
// (planetscale.Client.MintPassword).
func openBranch(ctx context.Context, s *step.Step, c *planetscale.Client, database, branch string, conns int) (*branchConn, error) {
	name := fmt.Sprintf("psflow-seed-%s-%d", branch, time.Now().UnixNano())
	cred, err := c.MintPassword(ctx, database, branch, name, "admin", s.Duration("password_ttl"), s.Logf)
	if err != nil {
		return nil, err
	}
	s.Mask(cred.PlainText)
	bc := &branchConn{s: s, c: c, database: database, branch: branch, cred: cred}
	switch s.String("tls") {
	case "true":
		bc.tls = true
	case "auto":
		bc.tls = !planetscale.Loopback(cred.Hostname)
	}
	s.Logf("password %s created on branch %s (expires %s); connecting to %s as %s, TLS %s",
		cred.PublicID, branch, expiry(cred), cred.Hostname, cred.Username, map[bool]string{true: "on", false: "off"}[bc.tls])
	if err := bc.connect(ctx, conns); err != nil {
		bc.close()
		return nil, err
	}
	return bc, nil
}

// connect opens the pool and checks that the server answers.
func (bc *branchConn) connect(ctx context.Context, conns int) error {
	cfg, err := mysql.ParseDSN(bc.cred.DSN(bc.tls))
	if err != nil {
		return fmt.Errorf("connection details of password %s: %w", bc.cred.PublicID, err)
	}
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

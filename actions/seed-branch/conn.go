package seedbranch

import (
	"context"
	"database/sql"
	"errors"
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
// creation may have happened is looked up by name and deleted.
func openBranch(ctx context.Context, s *step.Step, c *planetscale.Client, database, branch string, conns int) (*branchConn, error) {
	name := fmt.Sprintf("psflow-seed-%s-%d", branch, time.Now().Unix())
	cred, err := c.CreatePassword(ctx, database, branch, name, "admin", s.Duration("password_ttl"))
	if err != nil {
		if ambiguous(err) {
			deleteByName(s, c, database, branch, name)
		}
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

// ambiguous reports whether a failed create may have created the password
// all the same: the request was cut off, timed out or met a server error.
func ambiguous(err error) bool {
	for _, k := range []planetscale.Kind{planetscale.KindUnauthorized, planetscale.KindForbidden,
		planetscale.KindNotFound, planetscale.KindInvalid, planetscale.KindRateLimited} {
		if planetscale.IsKind(err, k) {
			return false
		}
	}
	return true
}

// deleteByName deletes the branch's passwords called name, after a create
// whose outcome is unknown.
func deleteByName(s *step.Step, c *planetscale.Client, database, branch, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	pws, err := c.ListPasswords(ctx, database, branch)
	if err != nil {
		s.Warnf("could not check for a password %s left on branch %s of %s: %v", name, branch, shared.Where(s), err)
		return
	}
	var errs []error
	for _, pw := range pws {
		if pw.Name != name {
			continue
		}
		if err := c.DeletePassword(ctx, database, branch, pw.PublicID); err != nil {
			errs = append(errs, err)
			continue
		}
		s.Logf("password %s (%s) from the interrupted create deleted", pw.PublicID, name)
	}
	if err := errors.Join(errs...); err != nil {
		s.Warnf("could not delete password %s on branch %s of %s: %v", name, branch, shared.Where(s), err)
	}
}

// expiry says when a password expires, for log lines.
func expiry(cred *planetscale.Credentials) string {
	if cred.ExpiresAt.IsZero() {
		return "never"
	}
	return cred.ExpiresAt.UTC().Format(time.RFC3339)
}

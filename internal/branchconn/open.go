package branchconn

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/psflow/psflow/internal/scope"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

// Open mints a password of p's kind on the branch, masks it and connects
// with it; on error nothing is left behind.
func Open(ctx context.Context, s *step.Step, c *planetscale.Client, database, branch string, p Password) (*Conn, error) {
	mode := s.String(TLSInput.Name)
	ca, err := MySQLCA(s, mode)
	if err != nil {
		return nil, err
	}
	cred, err := c.MintPassword(ctx, database, branch, p.Kind.NewName(), p.Kind.Role, p.TTL, s.Logf)
	if err != nil {
		return nil, err
	}
	s.Mask(cred.PlainText)
	bc := &Conn{s: s, c: c, kind: p.Kind, database: database, branch: branch, Cred: cred}
	if bc.tls, err = MySQLTLS(cred.Hostname, mode, ca); err != nil {
		bc.Close()
		return nil, err
	}
	how := "off"
	switch {
	case bc.tls != nil && ca != nil:
		how = "on, verified with the system roots and mysql_ca"
	case bc.tls != nil:
		how = "on, verified with the system roots"
	}
	s.Logf("password id %s created on branch %s (expires %s); connecting to %s as %s, database %s, TLS %s",
		cred.PublicID, branch, Expiry(cred.Password), cred.Hostname, cred.Username, cred.Database, how)
	if err := bc.connect(ctx, p.Conns+1); err != nil {
		bc.Close()
		return nil, err
	}
	bc.hold(ctx)
	return bc, nil
}

// connect opens the pool and checks that the server answers.
func (bc *Conn) connect(ctx context.Context, conns int) error {
	cfg := bc.Cred.MySQLConfig(bc.tls)
	// Statements go alone, as text, up to the server's own packet limit,
	// which the loader checks with a clear message.
	cfg.MultiStatements, cfg.InterpolateParams = false, false
	cfg.MaxAllowedPacket = 0
	cfg.Timeout = 15 * time.Second
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return fmt.Errorf("connection details of password %s: %w", bc.Cred.PublicID, err)
	}
	bc.Pool = sql.OpenDB(connector)
	bc.Pool.SetMaxOpenConns(conns)
	if err := bc.Pool.PingContext(ctx); err != nil {
		hint := ""
		if bc.tls == nil && strings.Contains(err.Error(), "insecure connections") {
			// PlanetScale (and psflow-emulator) refuse plaintext; tls auto
			// sends none to a loopback host.
			hint = "; the server requires TLS: set tls: true, and mysql_ca when the system does not trust its CA (psflow-emulator prints its CA file as PSFLOW_MYSQL_CA)"
		}
		return fmt.Errorf("connect to branch %s of %s at %s: %w%s", bc.branch, scope.OrgDatabase(bc.s), bc.Cred.Hostname, err, hint)
	}
	return nil
}

// Close deletes earlier runs' leftovers (see sweepLeftovers), the pool and
// the password, with a fresh context so it happens after a timeout too.
func (bc *Conn) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), CleanupTimeout)
	defer cancel()
	if bc.Pool != nil {
		bc.sweepLeftovers(ctx)
		_ = bc.Pool.Close()
	}
	if err := bc.c.DeletePassword(ctx, bc.database, bc.branch, bc.Cred.PublicID); err != nil {
		bc.s.Warnf("could not delete password %s on branch %s of %s: %v; it expires %s",
			bc.Cred.PublicID, bc.branch, scope.OrgDatabase(bc.s), err, Expiry(bc.Cred.Password))
		return
	}
	bc.s.Logf("password id %s deleted", bc.Cred.PublicID)
}

package emulator

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/psflow/psflow/pkg/emulator/internal/edge"
)

// startEdge starts the MySQL edge in front of the storage and writes its CA certificate to
// cfg.CAFile, or into a new temporary directory that Close removes.
func (e *Emulator) startEdge() error {
	listen := e.cfg.MySQLListen
	if listen == "" {
		listen = "127.0.0.1:0"
	}
	srv, err := edge.Start(edge.Config{
		Listen: listen, Storage: e.store.Addr(), StorageNet: e.store.Network(), Directory: edgeDirectory{e},
		Insecure: e.cfg.InsecureMySQL, Limits: e.cfg.Limits, Serialize: e.store.Serialize, Sniff: e.cfg.Sniff,
	})
	if err != nil {
		return fmt.Errorf("mysql edge: %w", err)
	}
	e.edge = srv
	path := e.cfg.CAFile
	if path == "" {
		dir, err := os.MkdirTemp("", "psflow-emulator-")
		if err != nil {
			return fmt.Errorf("mysql edge ca: %w", err)
		}
		e.caDir, path = dir, filepath.Join(dir, "mysql-ca.pem")
	}
	if err := os.WriteFile(path, srv.CA().PEM, 0o644); err != nil {
		return fmt.Errorf("write the mysql edge ca: %w", err)
	}
	e.caFile = path
	e.log.Info("mysql edge listening", "address", srv.Addr(), "ca_file", path, "tls_required", !e.cfg.InsecureMySQL, "http_sql_api", e.cfg.Sniff >= 0)
	return nil
}

// closeEdge stops the edge and removes the CA file it wrote in a
// temporary directory.
func (e *Emulator) closeEdge() error {
	if e.edge == nil {
		return nil
	}
	err := e.edge.Close()
	if e.caDir != "" {
		err = errors.Join(err, os.RemoveAll(e.caDir))
	}
	return err
}

// MySQLAddr is the host:port of the MySQL edge, handed out with every password and branch;
// the HTTP SQL API is served there too, at https://MySQLAddr.
func (e *Emulator) MySQLAddr() string { return e.edge.Addr() }

// CAFile is the PEM file of the CA that signed the MySQL edge's certificate, which a client
// must trust (psflow's mysql_ca input).
func (e *Emulator) CAFile() string { return e.caFile }

// CAPEM is the certificate authority of CAFile, PEM-encoded.
func (e *Emulator) CAPEM() []byte { return e.edge.CA().PEM }

// ClientTLS is a TLS configuration for the MySQL edge: it trusts only the
// edge's CA and verifies the edge's address.
func (e *Emulator) ClientTLS() *tls.Config {
	host, _, _ := net.SplitHostPort(e.edge.Addr())
	return e.edge.CA().ClientConfig(host)
}

// edgeDirectory lets the edge look up the emulator's passwords.
type edgeDirectory struct{ e *Emulator }

// Account finds the live password whose MySQL user is user.
func (d edgeDirectory) Account(user string) (edge.Account, bool) {
	e := d.e
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, db := range e.dbs {
		for _, b := range db.branches {
			for _, p := range b.passwords {
				if p.username == user {
					return edge.Account{
						User: user, Password: p.plain, Database: db.name, Branch: b.name, Storage: b.storageDB,
						CIDRs: p.cidrs, Expires: p.expiresAt, Role: p.role, Replica: p.replica,
					}, true
				}
			}
		}
	}
	return edge.Account{}, false
}

// DirectDDL reports whether the branch of user's password, deleted or
// not, takes direct DDL: not while it has safe migrations on.
func (d edgeDirectory) DirectDDL(user string) bool {
	d.e.mu.Lock()
	defer d.e.mu.Unlock()
	b := d.branchOf(user)
	return b != nil && !b.safeMigrations
}

// branchOf is the branch of user's password, deleted or not; nil if none.
// The caller holds e.mu.
func (d edgeDirectory) branchOf(user string) *branch {
	for _, db := range d.e.dbs {
		for _, b := range db.branches {
			if b.hasUser(user) {
				return b
			}
		}
	}
	return nil
}

// Procedure reads the body of a stored procedure in the branch database
// of user's password, with storage's admin rights.
func (d edgeDirectory) Procedure(user, name string) (string, bool, error) {
	d.e.mu.Lock()
	db := ""
	if b := d.branchOf(user); b != nil {
		db = b.storageDB
	}
	d.e.mu.Unlock()
	if db == "" {
		return "", false, fmt.Errorf("no branch has the password %s", user)
	}
	ctx, cancel := context.WithTimeout(context.Background(), procedureTimeout)
	defer cancel()
	return d.e.store.Procedure(ctx, db, name)
}

// procedureTimeout bounds the look-up of a procedure's body.
const procedureTimeout = 10 * time.Second

// SchemaChanged notes the schema of the default branch when user's
// password is of it: direct DDL there moves schema_last_updated_at.
func (d edgeDirectory) SchemaChanged(user string) {
	e := d.e
	e.mu.Lock()
	var (
		db        *database
		storageDB string
	)
	for _, cand := range e.dbs {
		if b := cand.branches[cand.settings.defaultBranch]; b != nil && b.hasUser(user) {
			db, storageDB = cand, b.storageDB
		}
	}
	e.mu.Unlock()
	if db == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), procedureTimeout)
	defer cancel()
	e.noteSchema(ctx, db, storageDB)
}

// Kill ends a storage connection's statement, or the connection, with
// storage's admin rights.
func (d edgeDirectory) Kill(ctx context.Context, id int64, query bool) error {
	return d.e.store.Kill(ctx, id, query)
}

// Refused logs a refused login; the client only hears "Access denied".
func (d edgeDirectory) Refused(user, reason string) {
	d.e.log.Info("mysql login refused", "user", user, "reason", reason)
}

// Package branchconn connects to a PlanetScale branch over MySQL with a
// short-lived password, TLS and the migration table.
package branchconn

import (
	"crypto/tls"
	"database/sql"
	"time"

	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

// TLSInput is the TLS choice of an action that connects to a branch over
// MySQL; MySQLCAInput goes with it.
var TLSInput = step.Input{
	Name: "tls", Description: "auto (TLS unless the host is loopback; always with mysql_ca), true or false.",
	Kind: step.Choice, Choices: []string{"auto", "true", "false"}, Default: "auto",
}

// Password is the short-lived password Open mints for one run.
type Password struct {
	Kind  PasswordKind  // its purpose and role, which name it
	TTL   time.Duration // its lifetime, should the deletion fail
	Conns int           // the most connections the pool opens for the run
}

// Conn is a short-lived password on a branch and the connection pool
// that uses it. Close deletes the password.
type Conn struct {
	Pool *sql.DB
	Cred *planetscale.Credentials

	s        *step.Step
	c        *planetscale.Client
	kind     PasswordKind
	database string // PlanetScale database
	branch   string
	tls      *tls.Config // nil: plaintext
	held     *sql.Conn   // holds the password's named lock while the run lasts
}

// Package storage keeps the emulator's branches as databases on a
// MySQL-compatible server: an external server reached by DSN, or an embedded
// go-mysql-server started in-process. Both are driven through database/sql with
// go-sql-driver/mysql, so the SQL sent here works on MariaDB and on
// go-mysql-server alike.
package storage

import (
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Role is a PlanetScale password role.
type Role string

// The PlanetScale password roles, each mapped to a set of grants on the
// branch's database.
const (
	RoleReader     Role = "reader"
	RoleWriter     Role = "writer"
	RoleReadWriter Role = "readwriter"
	RoleAdmin      Role = "admin"
)

// Table is one table (or view) of a schema.
type Table struct {
	// Name is the table or view name.
	Name string
	// SQL is the CREATE statement as the server prints it, without the
	// AUTO_INCREMENT=n table option.
	SQL string
}

// ErrInvalidName is returned for a database, user or prefix name that is
// not made of [a-z0-9_] or is too long.
var ErrInvalidName = errors.New("invalid name")

// ErrInvalidRole is returned by CreateUser for a role it does not know.
var ErrInvalidRole = errors.New("invalid role")

// Server is a MySQL-compatible server holding the emulator's databases and
// users, with an admin connection pool.
type Server struct {
	db       *sql.DB
	dsn      string
	net      string // "tcp" or "unix"
	addr     string
	embedded *embeddedServer
	flavor   flavor
}

// flavor tells the server implementations apart where their SQL differs.
type flavor int

const (
	flavorMySQL flavor = iota
	flavorMariaDB
	flavorGMS
)

// AdminConns is the most admin connections the server's pool opens.
func (s *Server) AdminConns() int { return s.db.Stats().MaxOpenConnections }

// Addr is the host:port clients connect to, or the socket's path when
// Network is "unix".
func (s *Server) Addr() string { return s.addr }

// Network is "tcp", or "unix" for a server reached over a unix socket.
func (s *Server) Network() string { return s.net }

// AdminDSN is a go-sql-driver DSN with admin rights (root).
func (s *Server) AdminDSN() string { return s.dsn }

// Embedded reports whether the server is the in-process go-mysql-server.
func (s *Server) Embedded() bool { return s.embedded != nil }

// Close closes the admin pool and, for the embedded server, stops it and
// closes every client connection it still holds.
func (s *Server) Close() error {
	err := s.db.Close()
	if s.embedded != nil {
		err = errors.Join(err, s.embedded.close())
	}
	return err
}

var validName = regexp.MustCompile(`^[a-z0-9_]+$`)

// Name length limits of MySQL for databases and user names.
const (
	maxDatabaseName = 64
	maxUserName     = 32
)

// checkName returns ErrInvalidName unless name is made of [a-z0-9_] and at
// most max characters long.
func checkName(kind, name string, max int) error {
	if !validName.MatchString(name) || len(name) > max {
		return fmt.Errorf("%s %q: %w (want [a-z0-9_]{1,%d})", kind, name, ErrInvalidName, max)
	}
	return nil
}

// checkDatabase validates a database name.
func checkDatabase(name string) error { return checkName("database", name, maxDatabaseName) }

// checkUser validates a user name.
func checkUser(name string) error { return checkName("user", name, maxUserName) }

// quote returns name as a backtick-quoted identifier.
func quote(name string) string { return "`" + strings.ReplaceAll(name, "`", "``") + "`" }

// Statements lists the CREATE statements of tables.
func Statements(tables []Table) []string {
	out := make([]string, 0, len(tables))
	for _, t := range tables {
		out = append(out, t.SQL)
	}
	return out
}

package storage

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidPassword is returned by CreateUser for a password that is empty
// or holds characters other than printable ASCII without backslash.
var ErrInvalidPassword = errors.New("invalid password")

// grants holds each PlanetScale role's privileges on its database; a writer gets
// SELECT for its WHERE clauses only (docs/design/emulator-storage.md).
var grants = map[Role]string{
	RoleReader:     "SELECT, SHOW VIEW",
	RoleWriter:     "SELECT, INSERT, UPDATE, DELETE",
	RoleReadWriter: "SELECT, INSERT, UPDATE, DELETE, SHOW VIEW, EXECUTE",
	RoleAdmin:      "ALL PRIVILEGES",
}

// CreateUser creates user with password and role's privileges on db only, for any
// host and for each host whose anonymous account would shadow it there.
func (s *Server) CreateUser(ctx context.Context, db, user, password string, role Role) error {
	if err := errors.Join(checkDatabase(db), checkUser(user), checkPassword(password)); err != nil {
		return err
	}
	privs, ok := grants[role]
	if !ok {
		return fmt.Errorf("role %q: %w", role, ErrInvalidRole)
	}
	hosts, err := s.userHosts(ctx)
	if err != nil {
		return fmt.Errorf("create user %s: %w", user, err)
	}
	created := false
	for _, host := range hosts {
		account := quote(user) + "@" + literal(host)
		stmts := []string{
			"CREATE USER " + account + " IDENTIFIED BY " + literal(password),
			"GRANT " + privs + " ON " + quote(db) + ".* TO " + account,
		}
		for _, stmt := range stmts {
			if err := s.execOne(ctx, s.db, stmt); err != nil {
				err = fmt.Errorf("create user %s@%s for %s: %w", user, host, db, err)
				if created {
					err = errors.Join(err, s.DropUser(ctx, user))
				}
				return err
			}
			created = true
		}
	}
	return nil
}

// userHosts returns the hosts to create an account for: any host, plus
// every particular host that has an anonymous account on this server.
func (s *Server) userHosts(ctx context.Context) ([]string, error) {
	hosts := []string{"%"}
	if s.flavor == flavorGMS {
		return hosts, nil
	}
	accounts, err := s.accounts(ctx)
	if err != nil {
		return nil, err
	}
	return append(hosts, anonymousHosts(accounts)...), nil
}

// account is one user@host row of mysql.user.
type account struct{ user, host string }

// anonymousHosts returns the hosts, other than %, of the anonymous accounts.
func anonymousHosts(accounts []account) []string {
	var hosts []string
	for _, a := range accounts {
		if a.user == "" && a.host != "%" {
			hosts = append(hosts, a.host)
		}
	}
	return hosts
}

// accounts lists every account of the server.
func (s *Server) accounts(ctx context.Context) ([]account, error) {
	rows, err := s.rows(ctx, s.db, "SELECT User, Host FROM mysql.user")
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	out := make([]account, len(rows))
	for i, r := range rows {
		out[i] = account{user: r[0], host: r[1]}
	}
	return out, nil
}

// DropUser drops every account named user, for whatever host, if any.
// Sessions the user already has open are left alone.
func (s *Server) DropUser(ctx context.Context, user string) error {
	if err := checkUser(user); err != nil {
		return err
	}
	return s.dropAccounts(ctx, func(name string) bool { return name == user })
}

// RetireUser gives each account of user a random password nobody knows, keeping the
// objects it defined working (docs/design/emulator-storage.md); drop it with its database.
func (s *Server) RetireUser(ctx context.Context, user string) error {
	if err := checkUser(user); err != nil {
		return err
	}
	accounts, err := s.accounts(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, a := range accounts {
		if a.user != user {
			continue
		}
		if err := s.execOne(ctx, s.db, "ALTER USER "+quote(a.user)+"@"+literal(a.host)+" IDENTIFIED BY "+literal(unguessable())); err != nil {
			errs = append(errs, fmt.Errorf("retire user %s@%s: %w", a.user, a.host, err))
		}
	}
	return errors.Join(errs...)
}

// unguessable returns a random password of 32 letters and digits.
func unguessable() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// DropUsersWithPrefix drops every account whose user name starts with
// prefix; it is meant for cleaning up after tests.
func (s *Server) DropUsersWithPrefix(ctx context.Context, prefix string) error {
	if err := checkUser(prefix); err != nil {
		return err
	}
	return s.dropAccounts(ctx, func(name string) bool { return strings.HasPrefix(name, prefix) })
}

// dropAccounts drops the accounts whose user name match selects.
func (s *Server) dropAccounts(ctx context.Context, match func(user string) bool) error {
	accounts, err := s.accounts(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, a := range accounts {
		if a.user == "" || !match(a.user) {
			continue
		}
		if err := s.execOne(ctx, s.db, "DROP USER IF EXISTS "+quote(a.user)+"@"+literal(a.host)); err != nil {
			errs = append(errs, fmt.Errorf("drop user %s@%s: %w", a.user, a.host, err))
		}
	}
	return errors.Join(errs...)
}

// checkPassword accepts non-empty printable ASCII without backslash, which
// literal can quote the same way under every sql_mode.
func checkPassword(password string) error {
	if password == "" {
		return fmt.Errorf("empty password: %w", ErrInvalidPassword)
	}
	for _, r := range password {
		if r < 0x20 || r > 0x7e || r == '\\' {
			return fmt.Errorf("password character %q: %w", r, ErrInvalidPassword)
		}
	}
	return nil
}

// literal quotes s as an SQL string literal; s must not hold backslashes.
func literal(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

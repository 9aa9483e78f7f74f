package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// CreateDatabase creates the database name with the utf8mb4 character set.
func (s *Server) CreateDatabase(ctx context.Context, name string) error {
	if err := checkDatabase(name); err != nil {
		return err
	}
	if _, err := s.db.ExecContext(ctx, "CREATE DATABASE "+quote(name)+" CHARACTER SET utf8mb4"); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

// DropDatabase drops the database name if it exists.
func (s *Server) DropDatabase(ctx context.Context, name string) error {
	if err := checkDatabase(name); err != nil {
		return err
	}
	if _, err := s.db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+quote(name)); err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	return nil
}

// DropDatabasesWithPrefix drops every database whose name starts with
// prefix; it is meant for cleaning up after tests.
func (s *Server) DropDatabasesWithPrefix(ctx context.Context, prefix string) error {
	if err := checkDatabase(prefix); err != nil {
		return err
	}
	names, err := s.databases(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, name := range names {
		if strings.HasPrefix(name, prefix) {
			errs = append(errs, s.DropDatabase(ctx, name))
		}
	}
	return errors.Join(errs...)
}

// databases lists the names of all databases on the server.
func (s *Server) databases(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, "SHOW DATABASES")
	if err != nil {
		return nil, fmt.Errorf("list databases: %w", err)
	}
	names, err := scanStrings(rows)
	if err != nil {
		return nil, fmt.Errorf("list databases: %w", err)
	}
	return names, nil
}

// maxStatementInError is how much of a failing statement Exec quotes in
// its error.
const maxStatementInError = 300

// Exec runs stmts one by one in database db and stops at the first error,
// which it returns wrapped together with the failing statement.
func (s *Server) Exec(ctx context.Context, db string, stmts ...string) error {
	err := s.inDatabase(ctx, db, func(c *sql.Conn) error { return execAll(ctx, c, stmts) })
	if err != nil {
		return fmt.Errorf("exec in %s: %w", db, err)
	}
	return nil
}

// inDatabase runs fn on a fresh admin connection whose current database is
// db. The connection is discarded afterwards, so neither the current
// database nor any session variable fn changed reaches the pool.
func (s *Server) inDatabase(ctx context.Context, db string, fn func(c *sql.Conn) error) error {
	if err := checkDatabase(db); err != nil {
		return err
	}
	c, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", s.addr, err)
	}
	defer func() {
		_ = c.Raw(func(any) error { return driver.ErrBadConn })
		_ = c.Close()
	}()
	if _, err := c.ExecContext(ctx, "USE "+quote(db)); err != nil {
		return fmt.Errorf("use database %s: %w", db, err)
	}
	return fn(c)
}

// clip shortens s to at most n bytes (plus an ellipsis), never cutting a
// UTF-8 sequence in half.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// scanStrings reads the first column of every row as a string and closes
// rows.
func scanStrings(rows *sql.Rows) ([]string, error) {
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

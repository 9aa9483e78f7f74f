package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// CreateDatabase creates the database name with the utf8mb4 character set.
func (s *Server) CreateDatabase(ctx context.Context, name string) error {
	if err := checkDatabase(name); err != nil {
		return err
	}
	if err := s.execOne(ctx, s.db, "CREATE DATABASE "+quote(name)+" CHARACTER SET utf8mb4"); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

// DropDatabase drops the database name if it exists.
func (s *Server) DropDatabase(ctx context.Context, name string) error {
	if err := checkDatabase(name); err != nil {
		return err
	}
	if err := s.execOne(ctx, s.db, "DROP DATABASE IF EXISTS "+quote(name)); err != nil {
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
	rows, err := s.rows(ctx, s.db, "SHOW DATABASES")
	if err != nil {
		return nil, fmt.Errorf("list databases: %w", err)
	}
	return column(rows, 0), nil
}

// Exec runs stmts one by one in database db and stops at the first error,
// which it returns wrapped together with the failing statement.
func (s *Server) Exec(ctx context.Context, db string, stmts ...string) error {
	err := s.inDatabase(ctx, db, func(se session) error { return se.exec(ctx, stmts...) })
	if err != nil {
		return fmt.Errorf("exec in %s: %w", db, err)
	}
	return nil
}

package storage

import (
	"context"
	"fmt"
	"strings"
)

// SaveTables copies tables of db, rows included, into database keep, which must
// exist; a deploy saves there what its change will lose, for a revert.
func (s *Server) SaveTables(ctx context.Context, db, keep string, tables ...string) error {
	if err := checkDatabase(db); err != nil {
		return err
	}
	stmts := make([]string, len(tables))
	for i, t := range tables {
		stmts[i] = fmt.Sprintf("CREATE TABLE %s AS SELECT * FROM %s.%s", quote(t), quote(db), quote(t))
	}
	if err := s.inDatabase(ctx, keep, func(se session) error { return se.exec(ctx, stmts...) }); err != nil {
		return fmt.Errorf("save tables of %s: %w", db, err)
	}
	return nil
}

// RestoreRows copies keep's rows of table back into table of db, just recreated by
// a revert; columns the copy lacks take defaults, generated ones are left to db.
func (s *Server) RestoreRows(ctx context.Context, keep, db, table string) error {
	err := s.inDatabase(ctx, db, func(se session) error {
		cols, err := se.sharedColumns(ctx, keep, table)
		if err != nil {
			return err
		}
		return se.copyRows(ctx, keep, db, []tableColumns{{table: table, cols: cols}})
	})
	if err != nil {
		return fmt.Errorf("restore rows of %s: %w", table, err)
	}
	return nil
}

// RestoreColumns sets cols of each row of table in db to keep's values for the row
// with the same key; rows written or deleted since the copy stay as they are.
func (s *Server) RestoreColumns(ctx context.Context, keep, db, table string, key, cols []string) error {
	if len(key) == 0 || len(cols) == 0 {
		return nil
	}
	on := make([]string, len(key))
	for i, k := range key {
		on[i] = fmt.Sprintf("d.%s = k.%s", quote(k), quote(k))
	}
	set := make([]string, len(cols))
	for i, c := range cols {
		set[i] = fmt.Sprintf("d.%s = k.%s", quote(c), quote(c))
	}
	stmt := fmt.Sprintf("UPDATE %s.%s AS d JOIN %s.%s AS k ON %s SET %s",
		quote(db), quote(table), quote(keep), quote(table), strings.Join(on, " AND "), strings.Join(set, ", "))
	err := s.inDatabase(ctx, db, func(se session) error {
		return se.exec(ctx, "SET FOREIGN_KEY_CHECKS = 0", stmt)
	})
	if err != nil {
		return fmt.Errorf("restore columns of %s: %w", table, err)
	}
	return nil
}

// sharedColumns lists the stored columns of table in the session's
// database that keep's copy of it also has.
func (se session) sharedColumns(ctx context.Context, keep, table string) ([]string, error) {
	rows, err := se.rows(ctx, "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?", keep, table)
	if err != nil {
		return nil, fmt.Errorf("list saved columns: %w", err)
	}
	saved := map[string]bool{}
	for _, c := range column(rows, 0) {
		saved[c] = true
	}
	stmt, err := se.showCreate(ctx, object{name: table})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, c := range nonGeneratedColumns(stmt) {
		if saved[c] {
			out = append(out, c)
		}
	}
	return out, nil
}

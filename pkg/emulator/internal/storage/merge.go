package storage

import (
	"context"
	"fmt"
	"strings"
)

// MergeRows inserts into to's table the rows of from's that it lacks and reports how
// many; a table missing on either side is no error (docs/design/emulator-storage.md).
func (s *Server) MergeRows(ctx context.Context, from, to, table string) (int64, error) {
	if err := checkDatabase(from); err != nil {
		return 0, err
	}
	var n int64
	err := s.inDatabase(ctx, to, func(se session) error {
		for _, db := range []string{from, to} {
			ok, err := se.hasTable(ctx, db, table)
			if err != nil || !ok {
				return err
			}
		}
		cols, err := se.sharedColumns(ctx, from, table)
		if err != nil || len(cols) == 0 {
			return err
		}
		if err := se.exec(ctx, "SET FOREIGN_KEY_CHECKS = 0",
			"SET SESSION sql_mode = CONCAT(@@SESSION.sql_mode, ',NO_AUTO_VALUE_ON_ZERO')"); err != nil {
			return err
		}
		stmt := mergeStatement(from, to, table, cols)
		defer se.s.serialize()()
		res, err := se.c.ExecContext(ctx, stmt)
		if err != nil {
			return fmt.Errorf("%q: %w", clip(stmt, maxStatementInError), err)
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("merge rows of %s from %s into %s: %w", table, from, to, err)
	}
	return n, nil
}

// mergeStatement inserts the rows of from's table no row of to's matches in every
// column (NULL matching NULL), skipping those whose key to holds (IGNORE).
func mergeStatement(from, to, table string, cols []string) string {
	names := make([]string, len(cols))
	picked := make([]string, len(cols))
	match := make([]string, len(cols))
	for i, c := range cols {
		names[i], picked[i] = quote(c), "s."+quote(c)
		match[i] = fmt.Sprintf("d.%s <=> s.%s", quote(c), quote(c))
	}
	return fmt.Sprintf("INSERT IGNORE INTO %s.%s (%s) SELECT %s FROM %s.%s AS s WHERE NOT EXISTS (SELECT 1 FROM %s.%s AS d WHERE %s)",
		quote(to), quote(table), strings.Join(names, ", "), strings.Join(picked, ", "),
		quote(from), quote(table), quote(to), quote(table), strings.Join(match, " AND "))
}

// hasTable reports whether database db has a base table named table.
func (se session) hasTable(ctx context.Context, db, table string) (bool, error) {
	rows, err := se.rows(ctx, "SELECT TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?", db, table)
	if err != nil {
		return false, fmt.Errorf("look up table %s of %s: %w", table, db, err)
	}
	return len(rows) == 1 && rows[0][0] == "BASE TABLE", nil
}

// HasTable reports whether database db has a base table named table.
func (s *Server) HasTable(ctx context.Context, db, table string) (bool, error) {
	var ok bool
	err := s.inDatabase(ctx, db, func(se session) error {
		var err error
		ok, err = se.hasTable(ctx, db, table)
		return err
	})
	return ok, err
}

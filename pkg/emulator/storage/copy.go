package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// dump holds the CREATE statements of one database in the order they can
// be replayed.
type dump struct {
	tables   []string
	routines []string
	views    []string
	triggers []string
}

// CopySchema recreates in database to (which must exist) the tables of
// database from in foreign-key-safe order, then its stored routines, views
// and triggers. No rows are copied.
func (s *Server) CopySchema(ctx context.Context, from, to string) error {
	if err := checkDatabase(to); err != nil {
		return err
	}
	var d dump
	err := s.inDatabase(ctx, from, func(c *sql.Conn) error {
		var err error
		d, err = readDump(ctx, c, from)
		return err
	})
	if err != nil {
		return fmt.Errorf("copy schema %s to %s: %w", from, to, err)
	}
	err = s.inDatabase(ctx, to, func(c *sql.Conn) error {
		if _, err := c.ExecContext(ctx, "SET FOREIGN_KEY_CHECKS = 0"); err != nil {
			return fmt.Errorf("disable foreign key checks: %w", err)
		}
		if err := execAll(ctx, c, d.tables); err != nil {
			return err
		}
		if err := execAll(ctx, c, d.routines); err != nil {
			return err
		}
		if err := execDependent(ctx, c, d.views); err != nil {
			return err
		}
		return execAll(ctx, c, d.triggers)
	})
	if err != nil {
		return fmt.Errorf("copy schema %s to %s: %w", from, to, err)
	}
	return nil
}

// readDump reads the CREATE statements of every object of db, which is
// the connection's current database.
func readDump(ctx context.Context, c *sql.Conn, db string) (dump, error) {
	var d dump
	objs, err := listObjects(ctx, c, db)
	if err != nil {
		return d, err
	}
	deps, err := foreignKeyDeps(ctx, c, db)
	if err != nil {
		return d, err
	}
	var tables []string
	for _, o := range objs {
		stmt, err := showCreate(ctx, c, o)
		if err != nil {
			return d, err
		}
		if o.view {
			d.views = append(d.views, stmt)
			continue
		}
		tables = append(tables, o.name)
	}
	for _, name := range fkOrder(tables, deps) {
		stmt, err := showCreate(ctx, c, object{name: name})
		if err != nil {
			return d, err
		}
		d.tables = append(d.tables, stmt)
	}
	if d.routines, err = routineStatements(ctx, c, db); err != nil {
		return d, err
	}
	d.triggers, err = triggerStatements(ctx, c, db)
	return d, err
}

// foreignKeyDeps maps each table of db to the tables of db its foreign
// keys reference.
func foreignKeyDeps(ctx context.Context, c *sql.Conn, db string) (map[string][]string, error) {
	rows, err := c.QueryContext(ctx, `SELECT DISTINCT TABLE_NAME, REFERENCED_TABLE_NAME
FROM information_schema.KEY_COLUMN_USAGE
WHERE TABLE_SCHEMA = ? AND REFERENCED_TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME IS NOT NULL`, db, db)
	if err != nil {
		return nil, fmt.Errorf("list foreign keys: %w", err)
	}
	defer rows.Close()
	deps := make(map[string][]string)
	for rows.Next() {
		var table, ref string
		if err := rows.Scan(&table, &ref); err != nil {
			return nil, fmt.Errorf("list foreign keys: %w", err)
		}
		deps[table] = append(deps[table], ref)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list foreign keys: %w", err)
	}
	return deps, nil
}

// fkOrder orders tables so that each comes after the tables it references,
// by name among equals; tables caught in a reference cycle come last, by
// name.
func fkOrder(tables []string, deps map[string][]string) []string {
	known := make(map[string]bool, len(tables))
	for _, t := range tables {
		known[t] = true
	}
	pending := append([]string(nil), tables...)
	sort.Strings(pending)
	placed := make(map[string]bool, len(tables))
	out := make([]string, 0, len(tables))
	for progress := true; progress; {
		progress = false
		rest := pending[:0]
		for _, t := range pending {
			if ready(t, deps[t], known, placed) {
				out = append(out, t)
				placed[t] = true
				progress = true
				continue
			}
			rest = append(rest, t)
		}
		pending = rest
	}
	return append(out, pending...)
}

// ready reports whether every table t references (other than itself and
// tables outside the set) has been placed.
func ready(t string, refs []string, known, placed map[string]bool) bool {
	for _, r := range refs {
		if r != t && known[r] && !placed[r] {
			return false
		}
	}
	return true
}

// routineStatements returns the CREATE statements of the stored procedures
// and functions of db.
func routineStatements(ctx context.Context, c *sql.Conn, db string) ([]string, error) {
	rows, err := c.QueryContext(ctx, `SELECT ROUTINE_TYPE, ROUTINE_NAME FROM information_schema.ROUTINES
WHERE ROUTINE_SCHEMA = ? ORDER BY ROUTINE_TYPE, ROUTINE_NAME`, db)
	if err != nil {
		return nil, fmt.Errorf("list routines: %w", err)
	}
	var queries []string
	for rows.Next() {
		var typ, name string
		if err := rows.Scan(&typ, &name); err != nil {
			_ = rows.Close()
			return nil, fmt.Errorf("list routines: %w", err)
		}
		queries = append(queries, "SHOW CREATE "+strings.ToUpper(typ)+" "+quote(name))
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("list routines: %w", err)
	}
	return showCreateAll(ctx, c, queries, 2)
}

// triggerStatements returns the CREATE statements of the triggers of db in
// the order they fire.
func triggerStatements(ctx context.Context, c *sql.Conn, db string) ([]string, error) {
	rows, err := c.QueryContext(ctx, `SELECT TRIGGER_NAME FROM information_schema.TRIGGERS
WHERE TRIGGER_SCHEMA = ? ORDER BY EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER`, db)
	if err != nil {
		return nil, fmt.Errorf("list triggers: %w", err)
	}
	names, err := scanStrings(rows)
	if err != nil {
		return nil, fmt.Errorf("list triggers: %w", err)
	}
	queries := make([]string, len(names))
	for i, name := range names {
		queries[i] = "SHOW CREATE TRIGGER " + quote(name)
	}
	return showCreateAll(ctx, c, queries, 2)
}

// showCreateAll runs each SHOW CREATE query and collects column col.
func showCreateAll(ctx context.Context, c *sql.Conn, queries []string, col int) ([]string, error) {
	out := make([]string, 0, len(queries))
	for _, q := range queries {
		stmt, err := showCreateColumn(ctx, c, q, col)
		if err != nil {
			return nil, err
		}
		out = append(out, stmt)
	}
	return out, nil
}

// execAll runs stmts in order and stops at the first error.
func execAll(ctx context.Context, c *sql.Conn, stmts []string) error {
	for _, stmt := range stmts {
		if _, err := c.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("%q: %w", clip(stmt, maxStatementInError), err)
		}
	}
	return nil
}

// execDependent runs stmts that may depend on each other (views on views)
// in rounds until all succeeded or a round makes no progress.
func execDependent(ctx context.Context, c *sql.Conn, stmts []string) error {
	for len(stmts) > 0 {
		var failed []string
		var firstErr error
		for _, stmt := range stmts {
			if _, err := c.ExecContext(ctx, stmt); err != nil {
				failed = append(failed, stmt)
				if firstErr == nil {
					firstErr = fmt.Errorf("%q: %w", clip(stmt, maxStatementInError), err)
				}
			}
		}
		if len(failed) == len(stmts) {
			return firstErr
		}
		stmts = failed
	}
	return nil
}

package storage

import (
	"context"
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

// CopySchema recreates in database to, which must exist, the tables of from in
// foreign-key-safe order, then its stored routines, views and triggers; no rows.
func (s *Server) CopySchema(ctx context.Context, from, to string) error {
	if err := checkDatabase(to); err != nil {
		return err
	}
	var d dump
	err := s.inDatabase(ctx, from, func(se session) error {
		var err error
		d, err = se.dump(ctx, from)
		return err
	})
	if err != nil {
		return fmt.Errorf("copy schema %s to %s: %w", from, to, err)
	}
	err = s.inDatabase(ctx, to, func(se session) error {
		if err := se.exec(ctx, "SET FOREIGN_KEY_CHECKS = 0"); err != nil {
			return err
		}
		if err := se.exec(ctx, d.tables...); err != nil {
			return err
		}
		if err := se.exec(ctx, d.routines...); err != nil {
			return err
		}
		if err := se.execDependent(ctx, d.views); err != nil {
			return err
		}
		return se.exec(ctx, d.triggers...)
	})
	if err != nil {
		return fmt.Errorf("copy schema %s to %s: %w", from, to, err)
	}
	return nil
}

// dump reads the CREATE statements of every object of db, which is the
// session's current database.
func (se session) dump(ctx context.Context, db string) (dump, error) {
	var d dump
	objs, err := se.objects(ctx, db)
	if err != nil {
		return d, err
	}
	deps, err := se.foreignKeyDeps(ctx, db)
	if err != nil {
		return d, err
	}
	created := make(map[string]string)
	var tables []string
	for _, o := range objs {
		stmt, err := se.showCreate(ctx, o)
		if err != nil {
			return d, err
		}
		if o.view {
			d.views = append(d.views, stmt)
			continue
		}
		tables = append(tables, o.name)
		created[o.name] = stmt
	}
	for _, name := range fkOrder(tables, deps) {
		d.tables = append(d.tables, created[name])
	}
	if d.routines, err = se.routines(ctx, db); err != nil {
		return d, err
	}
	d.triggers, err = se.triggers(ctx, db)
	return d, err
}

// foreignKeyDeps maps each table of db to the tables of db its foreign
// keys reference.
func (se session) foreignKeyDeps(ctx context.Context, db string) (map[string][]string, error) {
	rows, err := se.rows(ctx, `SELECT DISTINCT TABLE_NAME, REFERENCED_TABLE_NAME
FROM information_schema.KEY_COLUMN_USAGE
WHERE TABLE_SCHEMA = ? AND REFERENCED_TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME IS NOT NULL`, db, db)
	if err != nil {
		return nil, fmt.Errorf("list foreign keys: %w", err)
	}
	deps := make(map[string][]string)
	for _, r := range rows {
		deps[r[0]] = append(deps[r[0]], r[1])
	}
	return deps, nil
}

// fkOrder orders tables after those they reference, by name among equals; tables
// caught in a reference cycle come last, by name.
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

// routines returns the CREATE statements of the stored procedures and
// functions of db.
func (se session) routines(ctx context.Context, db string) ([]string, error) {
	rows, err := se.rows(ctx, `SELECT ROUTINE_TYPE, ROUTINE_NAME FROM information_schema.ROUTINES
WHERE ROUTINE_SCHEMA = ? ORDER BY ROUTINE_TYPE, ROUTINE_NAME`, db)
	if err != nil {
		return nil, fmt.Errorf("list routines: %w", err)
	}
	queries := make([]string, len(rows))
	for i, r := range rows {
		queries[i] = "SHOW CREATE " + strings.ToUpper(r[0]) + " " + quote(r[1])
	}
	return se.showCreateAll(ctx, queries, 2)
}

// triggerNames lists the triggers of db in the order they fire.
func (se session) triggerNames(ctx context.Context, db string) ([]string, error) {
	rows, err := se.rows(ctx, `SELECT TRIGGER_NAME FROM information_schema.TRIGGERS
WHERE TRIGGER_SCHEMA = ? ORDER BY EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER`, db)
	if err != nil {
		return nil, fmt.Errorf("list triggers: %w", err)
	}
	return column(rows, 0), nil
}

// triggers returns the CREATE statements of the triggers of db in the
// order they fire.
func (se session) triggers(ctx context.Context, db string) ([]string, error) {
	names, err := se.triggerNames(ctx, db)
	if err != nil {
		return nil, err
	}
	queries := make([]string, len(names))
	for i, name := range names {
		queries[i] = "SHOW CREATE TRIGGER " + quote(name)
	}
	return se.showCreateAll(ctx, queries, 2)
}

// execDependent runs stmts that may depend on each other (views on views)
// in rounds until all succeeded or a round makes no progress.
func (se session) execDependent(ctx context.Context, stmts []string) error {
	for len(stmts) > 0 {
		var failed []string
		var firstErr error
		for _, stmt := range stmts {
			if err := se.exec(ctx, stmt); err != nil {
				failed = append(failed, stmt)
				if firstErr == nil {
					firstErr = err
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

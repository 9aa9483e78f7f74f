package storage

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// object is one schema object as information_schema lists it.
type object struct {
	name string
	view bool
}

// Schema returns the tables and views of database db, sorted by name, each
// with the CREATE statement the server prints for it.
func (s *Server) Schema(ctx context.Context, db string) ([]Table, error) {
	var out []Table
	err := s.inDatabase(ctx, db, func(se session) error {
		objs, err := se.objects(ctx, db)
		if err != nil {
			return err
		}
		for _, o := range objs {
			stmt, err := se.showCreate(ctx, o)
			if err != nil {
				return err
			}
			out = append(out, Table{Name: o.name, SQL: stmt})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("schema of %s: %w", db, err)
	}
	return out, nil
}

// objects lists the tables and views of db, sorted by name.
func (se session) objects(ctx context.Context, db string) ([]object, error) {
	rows, err := se.rows(ctx, "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?", db)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	objs := make([]object, 0, len(rows))
	for _, r := range rows {
		objs = append(objs, object{name: r[0], view: r[1] == "VIEW"})
	}
	sort.Slice(objs, func(i, j int) bool { return objs[i].name < objs[j].name })
	return objs, nil
}

var autoIncrementOption = regexp.MustCompile(`\s+AUTO_INCREMENT=\d+`)

// showCreate returns the CREATE statement of a table or view in the
// session's current database, without the AUTO_INCREMENT=n option.
func (se session) showCreate(ctx context.Context, o object) (string, error) {
	kind := "TABLE"
	if o.view {
		kind = "VIEW"
	}
	stmt, err := se.showCreateColumn(ctx, "SHOW CREATE "+kind+" "+quote(o.name), 1)
	if err != nil {
		return "", err
	}
	if !o.view {
		stmt = autoIncrementOption.ReplaceAllString(stmt, "")
	}
	return stmt, nil
}

// showCreateColumn runs a SHOW CREATE statement and returns column col of
// its single row.
func (se session) showCreateColumn(ctx context.Context, query string, col int) (string, error) {
	rows, err := se.rows(ctx, query)
	if err != nil {
		return "", err
	}
	if len(rows) != 1 || col >= len(rows[0]) {
		return "", fmt.Errorf("%s: got %d rows, want one with more than %d columns", query, len(rows), col)
	}
	return rows[0][col], nil
}

// showCreateAll runs each SHOW CREATE query and collects column col.
func (se session) showCreateAll(ctx context.Context, queries []string, col int) ([]string, error) {
	out := make([]string, 0, len(queries))
	for _, q := range queries {
		stmt, err := se.showCreateColumn(ctx, q, col)
		if err != nil {
			return nil, err
		}
		out = append(out, stmt)
	}
	return out, nil
}

// Procedure returns the body information_schema holds of db's procedure name, found
// false if none; names match without case (docs/design/emulator-storage.md).
func (s *Server) Procedure(ctx context.Context, db, name string) (body string, found bool, err error) {
	err = s.inDatabase(ctx, db, func(se session) error {
		rows, err := se.rows(ctx, `SELECT ROUTINE_NAME, ROUTINE_DEFINITION FROM information_schema.ROUTINES
WHERE ROUTINE_SCHEMA = ? AND ROUTINE_TYPE = 'PROCEDURE'`, db)
		for _, r := range rows {
			if strings.EqualFold(r[0], name) {
				body, found = r[1], true
			}
		}
		return err
	})
	if err != nil {
		return "", false, fmt.Errorf("procedure %s of %s: %w", name, db, err)
	}
	return body, found, nil
}

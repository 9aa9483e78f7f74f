package storage

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"sort"
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
	err := s.inDatabase(ctx, db, func(c *sql.Conn) error {
		objs, err := listObjects(ctx, c, db)
		if err != nil {
			return err
		}
		for _, o := range objs {
			stmt, err := showCreate(ctx, c, o)
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

// listObjects lists the tables and views of db, sorted by name.
func listObjects(ctx context.Context, c *sql.Conn, db string) ([]object, error) {
	rows, err := c.QueryContext(ctx,
		"SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?", db)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	defer rows.Close()
	var objs []object
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return nil, fmt.Errorf("list tables: %w", err)
		}
		objs = append(objs, object{name: name, view: typ == "VIEW"})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	sort.Slice(objs, func(i, j int) bool { return objs[i].name < objs[j].name })
	return objs, nil
}

var autoIncrementOption = regexp.MustCompile(`\s+AUTO_INCREMENT=\d+`)

// showCreate returns the CREATE statement of a table or view in the
// connection's current database, without the AUTO_INCREMENT=n option.
func showCreate(ctx context.Context, c *sql.Conn, o object) (string, error) {
	kind := "TABLE"
	if o.view {
		kind = "VIEW"
	}
	stmt, err := showCreateColumn(ctx, c, "SHOW CREATE "+kind+" "+quote(o.name), 1)
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
func showCreateColumn(ctx context.Context, c *sql.Conn, query string, col int) (string, error) {
	rows, err := c.QueryContext(ctx, query)
	if err != nil {
		return "", fmt.Errorf("%s: %w", query, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return "", fmt.Errorf("%s: %w", query, err)
	}
	if col >= len(cols) {
		return "", fmt.Errorf("%s: %d columns, want more than %d", query, len(cols), col)
	}
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return "", fmt.Errorf("%s: %w", query, err)
		}
		return "", fmt.Errorf("%s: no rows", query)
	}
	if err := rows.Scan(ptrs...); err != nil {
		return "", fmt.Errorf("%s: %w", query, err)
	}
	return vals[col].String, rows.Close()
}

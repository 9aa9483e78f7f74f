package sqlload

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// allTables is the group key used when foreign keys cannot be read: every
// table then shares one connection, which keeps the file's order.
const allTables = "*"

// fkGroups maps each table linked by a foreign key (by tableKey) to its group's name: tables
// joined by foreign keys, directly or through others, share a group.
type fkGroups map[string]string

// group returns the group key of a table.
func (g fkGroups) group(table string) string {
	if g == nil {
		return allTables
	}
	key := tableKey(table)
	if root, ok := g[key]; ok {
		return root
	}
	return key
}

// loadFKGroups reads the foreign keys of the connection's current database.
func loadFKGroups(ctx context.Context, conn *sql.Conn) (fkGroups, error) {
	rows, err := conn.QueryContext(ctx, `SELECT TABLE_NAME, REFERENCED_TABLE_NAME
		FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()`)
	if err != nil {
		return nil, fmt.Errorf("read foreign keys: %w", err)
	}
	defer rows.Close()
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		p, ok := parent[x]
		if !ok || p == x {
			parent[x] = x
			return x
		}
		root := find(p)
		parent[x] = root
		return root
	}
	for rows.Next() {
		var child, ref string
		if err := rows.Scan(&child, &ref); err != nil {
			return nil, fmt.Errorf("read foreign keys: %w", err)
		}
		a, b := find(strings.ToLower(child)), find(strings.ToLower(ref))
		if a != b {
			parent[max(a, b)] = min(a, b)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read foreign keys: %w", err)
	}
	g := fkGroups{}
	for t := range parent {
		g[t] = find(t)
	}
	return g, nil
}

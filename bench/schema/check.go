package main

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// autoIncrement matches the table option that differs once rows exist.
var autoIncrement = regexp.MustCompile(` AUTO_INCREMENT=\d+`)

// check compares every table and view of database with the first database checked: psflow's
// branches and the client's databases must hold the same schema.
func (b *bench) check(ctx context.Context, database, what string) error {
	got, err := definitions(ctx, b.admin, database)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n := len(b.set.tables) + len(b.set.views); len(got) != n {
		return fmt.Errorf("%s holds %d tables and views, not %d: %s", what, len(got), n, strings.Join(slices.Sorted(maps.Keys(got)), ", "))
	}
	if b.want == nil {
		b.want = got
		return nil
	}
	if name, ok := firstDifference(b.want, got); ok {
		return fmt.Errorf("%s: %s differs from the first database's:\n%s\n---\n%s", what, name, got[name], b.want[name])
	}
	return nil
}

// firstDifference names the first object, in name order, whose
// definition differs between a and b.
func firstDifference(a, b map[string]string) (string, bool) {
	names := slices.Sorted(maps.Keys(a))
	for _, name := range slices.Sorted(maps.Keys(b)) {
		if _, ok := a[name]; !ok {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		if a[name] != b[name] {
			return name, true
		}
	}
	return "", false
}

// definitions reads database's tables (SHOW CREATE TABLE without AUTO_INCREMENT=n) and
// views (their definition without the database's name), by name.
func definitions(ctx context.Context, db *sql.DB, database string) (map[string]string, error) {
	rows, err := db.QueryContext(ctx, "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?", database)
	if err != nil {
		return nil, err
	}
	type object struct{ name, kind string }
	var objects []object
	for rows.Next() {
		var o object
		if err := rows.Scan(&o.name, &o.kind); err != nil {
			rows.Close()
			return nil, err
		}
		objects = append(objects, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := map[string]string{}
	qualifier := "`" + database + "`."
	for _, o := range objects {
		if o.kind == "VIEW" {
			var def string
			if err := db.QueryRowContext(ctx, "SELECT VIEW_DEFINITION FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?", database, o.name).Scan(&def); err != nil {
				return nil, fmt.Errorf("view %s: %w", o.name, err)
			}
			out["view "+o.name] = strings.ReplaceAll(def, qualifier, "")
			continue
		}
		var name, def string
		if err := db.QueryRowContext(ctx, "SHOW CREATE TABLE "+qualifier+"`"+o.name+"`").Scan(&name, &def); err != nil {
			return nil, fmt.Errorf("table %s: %w", o.name, err)
		}
		out["table "+o.name] = autoIncrement.ReplaceAllString(def, "")
	}
	return out, nil
}

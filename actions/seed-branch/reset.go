package seedbranch

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// A run that must start over brings the branch back to its base, the
// snapshot the first run recorded before it loaded anything:
//   - objects that did not exist at the base are dropped;
//   - tables that were empty are emptied again, and re-created from their
//     recorded definition when a file dropped or altered them;
//   - tables that held rows at the base (Data Branching, or rows written
//     by hand before the first run) keep their rows; one a file altered is
//     rebuilt with its recorded definition and the rows of the columns it
//     still has, one a file dropped comes back empty. Rows psflow loaded
//     into such a table cannot be told from the others and stay;
//   - views, routines and triggers that existed at the base are left as
//     they are (the base records them by name).

// snapshot is the state of a branch's database before a run.
type snapshot struct {
	Tables  map[string]tableState `json:"tables"`  // base tables by name
	Objects []string              `json:"objects"` // other objects as "kind name"
}

// tableState is one table of a snapshot.
type tableState struct {
	Def   string `json:"def"` // SHOW CREATE TABLE without AUTO_INCREMENT=n
	Empty bool   `json:"empty"`
}

// leftover is what brings a branch back to its base.
type leftover struct {
	Drop    []string // objects created since, as "kind name"
	Restore []string // tables that were empty at the base and changed since
	Rebuild []string // tables that held rows at the base and were altered or dropped since
	Kept    []string // tables that held rows at the base, unchanged in definition
}

// The kinds of object a snapshot records, in the order a reset drops them.
var dropOrder = []string{"trigger", "view", "procedure", "function", "table"}

// autoIncrement matches the table option SHOW CREATE TABLE adds once a
// table has had rows.
var autoIncrement = regexp.MustCompile(` AUTO_INCREMENT=\d+`)

// takeSnapshot records the objects of the current database, and for each
// table its definition and whether it has rows.
func (c *control) takeSnapshot(ctx context.Context) (snapshot, error) {
	snap := snapshot{Tables: map[string]tableState{}}
	tables, err := c.strings(ctx, "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()")
	if err != nil {
		return snap, err
	}
	for _, row := range tables {
		name := row[0]
		switch {
		case name == markerTable || name == holdingTable:
		case row[1] == "VIEW":
			snap.Objects = append(snap.Objects, "view "+name)
		default:
			st, err := c.tableState(ctx, name)
			if err != nil {
				return snap, err
			}
			snap.Tables[name] = st
		}
	}
	routines, err := c.strings(ctx, "SELECT LOWER(ROUTINE_TYPE), ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE()")
	if err != nil {
		return snap, err
	}
	for _, row := range routines {
		snap.Objects = append(snap.Objects, row[0]+" "+row[1])
	}
	triggers, err := c.strings(ctx, "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()")
	if err != nil {
		return snap, err
	}
	for _, row := range triggers {
		snap.Objects = append(snap.Objects, "trigger "+row[0])
	}
	slices.Sort(snap.Objects)
	return snap, nil
}

// tableState reads one table's definition and whether it has rows.
func (c *control) tableState(ctx context.Context, name string) (tableState, error) {
	var got, def string
	if err := c.conn.QueryRowContext(ctx, "SHOW CREATE TABLE "+quoteName(name)).Scan(&got, &def); err != nil {
		return tableState{}, fmt.Errorf("show create table %s: %w", name, err)
	}
	var one int
	err := c.conn.QueryRowContext(ctx, "SELECT 1 FROM "+quoteName(name)+" LIMIT 1").Scan(&one)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return tableState{}, fmt.Errorf("read table %s: %w", name, err)
	}
	return tableState{Def: autoIncrement.ReplaceAllString(def, ""), Empty: errors.Is(err, sql.ErrNoRows)}, nil
}

// diff returns what turns now back into before.
func diff(before, now snapshot) leftover {
	var lo leftover
	had := map[string]bool{}
	for _, o := range before.Objects {
		had[o] = true
	}
	for _, o := range now.Objects {
		if !had[o] {
			lo.Drop = append(lo.Drop, o)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(now.Tables)) {
		if _, ok := before.Tables[name]; !ok {
			lo.Drop = append(lo.Drop, "table "+name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(before.Tables)) {
		old := before.Tables[name]
		cur, ok := now.Tables[name]
		switch {
		case !old.Empty && ok && cur.Def == old.Def:
			lo.Kept = append(lo.Kept, name)
		case !old.Empty:
			lo.Rebuild = append(lo.Rebuild, name)
		case !ok || cur.Def != old.Def || !cur.Empty:
			lo.Restore = append(lo.Restore, name)
		}
	}
	return lo
}

// empty reports whether there is nothing to undo.
func (lo leftover) empty() bool {
	return len(lo.Drop) == 0 && len(lo.Restore) == 0 && len(lo.Rebuild) == 0
}

// reset undoes a leftover and returns what it did, for the log. It runs
// with foreign key checks off, so that tables can go in any order.
func (c *control) reset(ctx context.Context, lo leftover, before snapshot) ([]string, error) {
	if _, err := c.conn.ExecContext(ctx, "SET FOREIGN_KEY_CHECKS = 0"); err != nil {
		return nil, err
	}
	defer func() { _, _ = c.conn.ExecContext(ctx, "SET FOREIGN_KEY_CHECKS = 1") }()
	var done []string
	for _, kind := range dropOrder {
		for _, o := range lo.Drop {
			k, name, _ := strings.Cut(o, " ")
			if k != kind {
				continue
			}
			if _, err := c.conn.ExecContext(ctx, "DROP "+strings.ToUpper(k)+" IF EXISTS "+quoteName(name)); err != nil {
				return done, fmt.Errorf("drop %s: %w", o, err)
			}
			done = append(done, "dropped "+o)
		}
	}
	for _, name := range lo.Restore {
		what, err := c.restore(ctx, name, before.Tables[name])
		if err != nil {
			return done, fmt.Errorf("restore table %s: %w", name, err)
		}
		if what != "" {
			done = append(done, what+" table "+name)
		}
	}
	for _, name := range lo.Rebuild {
		what, err := c.rebuild(ctx, name, before.Tables[name])
		if err != nil {
			return done, fmt.Errorf("rebuild table %s: %w", name, err)
		}
		done = append(done, what+" table "+name)
	}
	return done, nil
}

// holdingTable names the table a rebuild keeps rows in meanwhile.
const holdingTable = markerTable + "_hold"

// rebuild brings a table that held rows back to its recorded definition:
// its rows move to a holding table, the table is re-created and the rows
// come back in the columns both have. A table that is gone comes back
// empty. It says what it did.
func (c *control) rebuild(ctx context.Context, name string, old tableState) (string, error) {
	exists, err := c.strings(ctx, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?", name)
	if err != nil {
		return "", err
	}
	if len(exists) == 0 {
		_, err := c.conn.ExecContext(ctx, old.Def)
		return "re-created, without the rows it had,", err
	}
	stmts := []string{
		"DROP TABLE IF EXISTS " + quoteName(holdingTable),
		"CREATE TABLE " + quoteName(holdingTable) + " AS SELECT * FROM " + quoteName(name),
		"DROP TABLE " + quoteName(name),
		old.Def,
	}
	for _, stmt := range stmts {
		if _, err := c.conn.ExecContext(ctx, stmt); err != nil {
			return "", err
		}
	}
	cols, err := c.strings(ctx, "SELECT a.COLUMN_NAME FROM information_schema.COLUMNS a JOIN information_schema.COLUMNS b "+
		"ON a.COLUMN_NAME = b.COLUMN_NAME AND b.TABLE_SCHEMA = a.TABLE_SCHEMA AND b.TABLE_NAME = ? "+
		"WHERE a.TABLE_SCHEMA = DATABASE() AND a.TABLE_NAME = ? AND a.EXTRA NOT LIKE '%GENERATED%' ORDER BY a.ORDINAL_POSITION", holdingTable, name)
	if err != nil {
		return "", err
	}
	quoted := make([]string, len(cols))
	for i, col := range cols {
		quoted[i] = quoteName(col[0])
	}
	list := strings.Join(quoted, ", ")
	for _, stmt := range []string{
		"INSERT INTO " + quoteName(name) + " (" + list + ") SELECT " + list + " FROM " + quoteName(holdingTable),
		"DROP TABLE " + quoteName(holdingTable),
	} {
		if _, err := c.conn.ExecContext(ctx, stmt); err != nil {
			return "", err
		}
	}
	return "rebuilt, keeping its rows,", nil
}

// restore brings a table that was empty back to its recorded definition
// with no rows, and says what it did.
func (c *control) restore(ctx context.Context, name string, old tableState) (string, error) {
	exists, err := c.strings(ctx, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?", name)
	if err != nil {
		return "", err
	}
	if len(exists) > 0 {
		cur, err := c.tableState(ctx, name)
		if err != nil {
			return "", err
		}
		if cur.Def == old.Def {
			if cur.Empty {
				return "", nil
			}
			_, err = c.conn.ExecContext(ctx, "TRUNCATE TABLE "+quoteName(name))
			return "emptied", err
		}
		if _, err := c.conn.ExecContext(ctx, "DROP TABLE "+quoteName(name)); err != nil {
			return "", err
		}
	}
	if old.Def == "" {
		return "", errors.New("its definition was not recorded")
	}
	_, err = c.conn.ExecContext(ctx, old.Def)
	return "re-created", err
}

// strings runs a query and returns its rows as strings.
func (c *control) strings(ctx context.Context, query string, args ...any) ([][]string, error) {
	rows, err := c.conn.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out [][]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = v.String
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

// quoteName quotes an identifier with backticks.
func quoteName(name string) string {
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}

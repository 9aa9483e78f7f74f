package seedbranch

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// A failed run leaves behind whatever it had done before the failure:
// tables, views, routines and triggers it created and rows it committed.
// The next run starts clean by undoing that first, from a snapshot the
// failed run recorded before it started:
//   - objects that did not exist before the failed run are dropped;
//   - tables that existed and were empty are emptied again, and re-created
//     from their recorded definition when the run dropped or altered them;
//   - tables that already held rows, and views, routines and triggers that
//     already existed, are left as they are (the run's changes to them
//     cannot be told from earlier ones); the log names the tables.
//
// The failed run records what it left at the moment it failed, so objects
// created by hand after the failure are kept. A run killed outright (no
// record of its end) is reset against its snapshot instead.

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

// leftover is what a failed run left that the next run undoes.
type leftover struct {
	Drop    []string `json:"drop"`    // objects the run created, as "kind name"
	Restore []string `json:"restore"` // tables that were empty before it
	Kept    []string `json:"kept"`    // tables that held rows before it, not undone
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
		case name == markerTable:
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

// diff returns what a run that started at before left in now.
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
		case !old.Empty:
			lo.Kept = append(lo.Kept, name)
		case !ok || cur.Def != old.Def || !cur.Empty:
			lo.Restore = append(lo.Restore, name)
		}
	}
	return lo
}

// empty reports whether there is nothing to undo.
func (lo leftover) empty() bool { return len(lo.Drop) == 0 && len(lo.Restore) == 0 }

// leftoverOf is what a previous run that did not succeed left: as it
// recorded at its failure, or, when it was killed before it could, the
// difference between its snapshot and the branch now.
func (c *control) leftoverOf(ctx context.Context, r *pastRun) (leftover, snapshot, error) {
	var before snapshot
	if r.Snapshot.Valid {
		if err := json.Unmarshal([]byte(r.Snapshot.String), &before); err != nil {
			return leftover{}, before, fmt.Errorf("read the snapshot of run %d: %w", r.ID, err)
		}
	}
	if r.Leftover.Valid {
		var lo leftover
		if err := json.Unmarshal([]byte(r.Leftover.String), &lo); err != nil {
			return leftover{}, before, fmt.Errorf("read what run %d left: %w", r.ID, err)
		}
		return lo, before, nil
	}
	if !r.Snapshot.Valid {
		return leftover{}, before, nil
	}
	now, err := c.takeSnapshot(ctx)
	if err != nil {
		return leftover{}, before, err
	}
	return diff(before, now), before, nil
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
	return done, nil
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

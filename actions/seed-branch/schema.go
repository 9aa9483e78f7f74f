package seedbranch

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// actual is the schema a branch holds: its base tables with their
// definitions and its views, by lowercased name.
type actual struct {
	tables map[string]string  // name as the server spells it → definition
	views  map[string]viewDef // name → definition
	names  map[string]string  // lowercased name → name
}

// readActual reads the branch's tables and views, returning apart the
// scratch objects and leaving out the migration table (keep, lowercased).
func (c *conn) readActual(ctx context.Context, keep string) (actual, []string, error) {
	a := actual{tables: map[string]string{}, views: map[string]viewDef{}, names: map[string]string{}}
	rows, err := c.strings(ctx, "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME")
	if err != nil {
		return a, nil, fmt.Errorf("list tables: %w", err)
	}
	var scratch []string
	for _, row := range rows {
		name, lower := row[0], strings.ToLower(row[0])
		switch {
		case lower == keep:
		case strings.HasPrefix(lower, scratchPrefix):
			scratch = append(scratch, row[1]+" "+name)
		case row[1] == "VIEW":
			v, err := c.view(ctx, name)
			if err != nil {
				return a, nil, err
			}
			a.views[name], a.names[lower] = v, name
		default:
			def, err := c.showCreate(ctx, name)
			if err != nil {
				return a, nil, fmt.Errorf("show create table %s: %w", name, err)
			}
			a.tables[name], a.names[lower] = def, name
		}
	}
	return a, scratch, nil
}

// errUnmanaged says the branch holds tables the schema files never
// defined: a database psflow has not managed yet.
type errUnmanaged struct{ tables []string }

func (e errUnmanaged) Error() string {
	return fmt.Sprintf("the branch (and so production) holds %d tables that the schema files do not define (%s), and the files define none of its tables; "+
		"dropping them is never what adopting psflow means: write the files from production's schema first with `psflow dump-schema --dir <your schema directory>`",
		len(e.tables), list(e.tables, 5))
}

// convergeSchema makes the branch's schema equal to the schema files and
// returns what it changed. keep names the migration table, left alone.
func (sd *seeder) convergeSchema(ctx context.Context, c *conn, keep string) ([]change, error) {
	a, scratch, err := c.readActual(ctx, strings.ToLower(keep))
	if err != nil {
		return nil, err
	}
	for _, s := range scratch {
		kind, name, _ := strings.Cut(s, " ")
		stmt := "DROP TABLE IF EXISTS "
		if kind == "VIEW" {
			stmt = "DROP VIEW IF EXISTS "
		}
		if err := c.exec(ctx, stmt+quoteName(name)); err != nil {
			return nil, fmt.Errorf("drop %s, left over by an earlier run: %w", name, err)
		}
	}
	if err := checkManaged(a, sd.src); err != nil {
		return nil, err
	}
	var done []change
	// Views go first, as they may read the tables that change.
	drops := sd.undefined(a)
	for _, ch := range drops {
		stmt := "DROP TABLE "
		if ch.kind == "view" {
			stmt = "DROP VIEW "
		}
		if err := c.exec(ctx, stmt+quoteName(ch.name)); err != nil {
			return done, fmt.Errorf("drop %s %s, which the schema files no longer define: %w", ch.kind, ch.name, err)
		}
		sd.s.Logf("dropped %s %s: the schema files no longer define it, so its deploy request drops it in production (destructive)", ch.kind, ch.name)
		done = append(done, ch)
	}
	for i, d := range sd.src.tables {
		ch, err := sd.convergeTable(ctx, c, a, d, i)
		if err != nil {
			return done, err
		}
		if ch.verb != "" {
			sd.s.Logf("%s (%s)", ch, d.at)
			done = append(done, ch)
		}
	}
	views, err := sd.convergeViews(ctx, c, a)
	return append(done, views...), err
}

// checkManaged refuses to drop the tables of a branch when the files
// define none of them: the files were not written from this database.
func checkManaged(a actual, src *sources) error {
	if len(a.tables) == 0 {
		return nil
	}
	for _, d := range src.tables {
		if _, ok := a.names[strings.ToLower(d.obj.Name)]; ok {
			return nil
		}
	}
	return errUnmanaged{tables: slices.Sorted(maps.Keys(a.tables))}
}

// undefined lists the views, then the tables, of the branch that the
// schema files do not define.
func (sd *seeder) undefined(a actual) []change {
	wanted := map[string]string{}
	for _, d := range sd.src.tables {
		wanted[strings.ToLower(d.obj.Name)] = "table"
	}
	for _, d := range sd.src.views {
		wanted[strings.ToLower(d.obj.Name)] = "view"
	}
	var out []change
	for _, name := range slices.Sorted(maps.Keys(a.views)) {
		if wanted[strings.ToLower(name)] != "view" {
			out = append(out, change{"dropped", "view", name})
		}
	}
	for _, name := range slices.Sorted(maps.Keys(a.tables)) {
		if wanted[strings.ToLower(name)] != "table" {
			out = append(out, change{"dropped", "table", name})
		}
	}
	return out
}

// convergeTable creates a desired table the branch lacks or rebuilds one
// whose definition differs; the zero change means it was equal.
func (sd *seeder) convergeTable(ctx context.Context, c *conn, a actual, d definition, i int) (change, error) {
	name, ok := a.names[strings.ToLower(d.obj.Name)]
	if !ok {
		if err := c.exec(ctx, d.text); err != nil {
			return change{}, d.failed(fmt.Errorf("create table %s: %w", d.obj.Name, err))
		}
		return change{"created", "table", d.obj.Name}, nil
	}
	if d.obj.ForeignKeys && c.sameWithForeignKeys(ctx, d, i, a.tables[name]) {
		return change{}, nil
	}
	want, err := c.normalizeTable(ctx, d, i)
	if err != nil {
		return change{}, err
	}
	if want == a.tables[name] {
		return change{}, nil
	}
	if err := c.rebuild(ctx, name, d); err != nil {
		return change{}, d.failed(fmt.Errorf("rebuild table %s: %w", name, err))
	}
	return change{"rebuilt", "table", name}, nil
}

// rebuild replaces a table with its desired definition, keeping its rows in
// the columns both have, adjusted as INSERT IGNORE does.
func (c *conn) rebuild(ctx context.Context, name string, d definition) error {
	var one int
	err := c.c.QueryRowContext(ctx, "SELECT 1 FROM "+quoteName(name)+" LIMIT 1").Scan(&one)
	if err != nil {
		// No rows, or none readable: a drop and a create are the rebuild.
		return c.exec(ctx, "DROP TABLE "+quoteName(name), d.text)
	}
	hold := quoteName(scratchPrefix + "hold")
	if err := c.exec(ctx, "DROP TABLE IF EXISTS "+hold, "CREATE TABLE "+hold+" LIKE "+quoteName(name),
		"INSERT INTO "+hold+" SELECT * FROM "+quoteName(name), "DROP TABLE "+quoteName(name), d.text); err != nil {
		return err
	}
	cols, err := c.strings(ctx, "SELECT a.COLUMN_NAME FROM information_schema.COLUMNS a JOIN information_schema.COLUMNS b "+
		"ON a.COLUMN_NAME = b.COLUMN_NAME AND b.TABLE_SCHEMA = a.TABLE_SCHEMA AND b.TABLE_NAME = ? "+
		"WHERE a.TABLE_SCHEMA = DATABASE() AND a.TABLE_NAME = ? AND a.EXTRA NOT LIKE '%GENERATED%' ORDER BY a.ORDINAL_POSITION",
		scratchPrefix+"hold", d.obj.Name)
	if err != nil {
		return err
	}
	quoted := make([]string, len(cols))
	for i, col := range cols {
		quoted[i] = quoteName(col[0])
	}
	if len(quoted) > 0 {
		names := strings.Join(quoted, ", ")
		if err := c.exec(ctx, "INSERT IGNORE INTO "+quoteName(d.obj.Name)+" ("+names+") SELECT "+names+" FROM "+hold); err != nil {
			return err
		}
	}
	return c.exec(ctx, "DROP TABLE "+hold)
}

// convergeViews creates or replaces the views whose definition differs from
// the files', retrying failed ones until none makes progress.
func (sd *seeder) convergeViews(ctx context.Context, c *conn, a actual) ([]change, error) {
	var done []change
	pending := slices.Clone(sd.src.views)
	for len(pending) > 0 {
		var (
			failed  []definition
			lastErr error
		)
		for i, d := range pending {
			ch, err := sd.convergeView(ctx, c, a, d, i)
			if err != nil {
				failed, lastErr = append(failed, d), d.failed(fmt.Errorf("view %s: %w", d.obj.Name, err))
				continue
			}
			if ch.verb != "" {
				sd.s.Logf("%s (%s)", ch, d.at)
				done = append(done, ch)
			}
		}
		if len(failed) == len(pending) {
			return done, lastErr
		}
		pending = failed
	}
	return done, nil
}

// convergeView creates a view the branch lacks or replaces one whose
// definition differs.
func (sd *seeder) convergeView(ctx context.Context, c *conn, a actual, d definition, i int) (change, error) {
	name, ok := a.names[strings.ToLower(d.obj.Name)]
	verb := "created"
	if ok {
		want, err := c.normalizeView(ctx, d, i)
		if err != nil {
			return change{}, err
		}
		if want == a.views[name] {
			return change{}, nil
		}
		if err := c.exec(ctx, "DROP VIEW "+quoteName(name)); err != nil {
			return change{}, err
		}
		verb = "replaced"
	}
	if err := c.exec(ctx, d.text); err != nil {
		return change{}, err
	}
	return change{verb, "view", d.obj.Name}, nil
}

package ddlcheck

import (
	"context"

	"github.com/psflow/psflow/pkg/planetscale"
)

// Changes is what a deploy request's operations deploy: their statements,
// and why they can lose data.
type Changes struct {
	Statements  []string
	Destructive []string
}

// Check reads ops' statements and destructive changes, judging a changed
// column against the into branch's schema, which it reads only then.
func Check(ctx context.Context, c *planetscale.Client, db, into string, ops []planetscale.Operation, warnf func(string, ...any)) Changes {
	base := baseOf(ctx, c, db, into, ops, warnf)
	return Changes{Statements: Statements(ops), Destructive: Destructive(ops, base)}
}

// baseOf returns the into branch's CREATE TABLE statements when ops change
// a column, so that narrowing can be judged, else nil.
func baseOf(ctx context.Context, c *planetscale.Client, db, into string, ops []planetscale.Operation, warnf func(string, ...any)) BaseTable {
	if !NeedsBase(ops) {
		return nil
	}
	files, err := c.BranchSchema(ctx, db, into)
	if err != nil {
		warnf("could not read the schema of %s to judge column changes; relying on PlanetScale's can_drop_data: %v", into, err)
		return nil
	}
	tables := make(map[string]string, len(files))
	for _, f := range files {
		tables[f.Name] = f.Raw
	}
	return func(name string) string { return tables[name] }
}

// NeedsBase reports whether judging ops needs the base schema: some
// statement changes a column's definition.
func NeedsBase(ops []planetscale.Operation) bool {
	for _, op := range ops {
		if alterRE.MatchString(op.DDL) && modifyRE.MatchString(op.DDL) {
			return true
		}
	}
	return false
}

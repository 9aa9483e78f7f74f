package ddlcheck

import (
	"context"

	"github.com/psflow/psflow/pkg/planetscale"
)

// BaseOf returns the into branch's CREATE TABLE statements when ops change
// a column, so that narrowing can be judged, else nil.
func BaseOf(ctx context.Context, c *planetscale.Client, db, into string, ops []planetscale.Operation, warnf func(string, ...any)) BaseTable {
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

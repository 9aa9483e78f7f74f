package ddl

import (
	"fmt"
	"slices"

	"vitess.io/vitess/go/vt/sqlparser"
)

// Loss is data a schema change loses (a dropped table's rows, the values of columns
// it drops or changes), which a deploy saves so that a revert can bring it back.
type Loss struct {
	// Table is the table, named as before the change.
	Table string
	// Dropped reports that the whole table goes.
	Dropped bool
	// Key are the columns of the primary key, else of a unique key over NOT NULL
	// columns, which find a row after the change; empty when there is none.
	Key []string
	// Columns are the columns dropped or redefined, for a table that stays.
	Columns []string
}

// Losses lists the data turning before into after loses: each table after drops,
// and each kept table's columns that after drops or defines differently.
func Losses(before, after []string) ([]Loss, error) {
	env, err := environment()
	if err != nil {
		return nil, err
	}
	b, err := loadSchema(env, before)
	if err != nil {
		return nil, fmt.Errorf("schema before: %w", err)
	}
	a, err := loadSchema(env, after)
	if err != nil {
		return nil, fmt.Errorf("schema after: %w", err)
	}
	var out []Loss
	for _, t := range b.Tables() {
		loss := Loss{Table: t.Name(), Key: rowKey(t.TableSpec)}
		now := a.Table(t.Name())
		if now == nil {
			loss.Dropped = true
			out = append(out, loss)
			continue
		}
		for _, col := range t.TableSpec.Columns {
			kept := findColumn(now.TableSpec, col.Name)
			if kept == nil || sqlparser.CanonicalString(kept.Type) != sqlparser.CanonicalString(col.Type) {
				loss.Columns = append(loss.Columns, col.Name.String())
			}
		}
		if len(loss.Columns) > 0 {
			out = append(out, loss)
		}
	}
	return out, nil
}

// rowKey returns the columns of the primary key, else of the first unique
// key whose columns are all NOT NULL.
func rowKey(spec *sqlparser.TableSpec) []string {
	var unique []string
	for _, idx := range spec.Indexes {
		cols := make([]string, 0, len(idx.Columns))
		nullable := false
		for _, c := range idx.Columns {
			cols = append(cols, c.Column.String())
			if def := findColumn(spec, c.Column); def == nil || notNull(spec, def) == 0 {
				nullable = true
			}
		}
		switch {
		case idx.Info.Type == sqlparser.IndexTypePrimary:
			return cols
		case idx.Info.Type == sqlparser.IndexTypeUnique && !nullable && unique == nil:
			unique = cols
		}
	}
	return slices.Clip(unique)
}

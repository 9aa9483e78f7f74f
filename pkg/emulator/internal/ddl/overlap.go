package ddl

import (
	"slices"
	"strings"

	"vitess.io/vitess/go/vt/schemadiff"
	"vitess.io/vitess/go/vt/sqlparser"
)

// withShared returns base with every change that ours and theirs both
// made in the same way already applied: the merge base of ThreeWay once
// the overlap is taken out, so that neither side's diff holds it. The
// blog post "Database branching: three-way merge for schema changes"
// (planetscale.com/blog/database-branching-three-way-merge-schema-changes)
// says identical or partially overlapping changes on both sides are
// recognised, not a conflict, and consumed by the first to deploy; what
// is left of the other deploys on its own.
//
// A change is the same on both sides at the level of a whole table or
// view (both sides end with equal definitions, compared without their
// column, key and constraint order, or both drop it), or, for a table
// that exists on all three sides, of one column, key, constraint or table
// option. A table both sides create with different definitions is left
// alone: it is a conflict. It returns base unchanged when nothing is
// shared, or when the schema with the shared changes does not load.
func withShared(env *schemadiff.Environment, base, ours, theirs *schemadiff.Schema) *schemadiff.Schema {
	names := append(append(base.EntityNames(), ours.EntityNames()...), theirs.EntityNames()...)
	slices.Sort(names)
	var stmts []string
	changed := false
	for _, name := range slices.Compact(names) {
		b, o, t := base.Entity(name), ours.Entity(name), theirs.Entity(name)
		bs, os, ts := orderFree(b), orderFree(o), orderFree(t)
		switch {
		case os == ts && os != bs:
			// Both made it the same, or both dropped it.
			changed = true
			if o != nil {
				stmts = append(stmts, createOf(o))
			}
			continue
		case b == nil:
			continue
		}
		bt, bok := b.(*schemadiff.CreateTableEntity)
		ot, ook := o.(*schemadiff.CreateTableEntity)
		tt, tok := t.(*schemadiff.CreateTableEntity)
		if bok && ook && tok {
			if ct, ok := sharedTable(bt.CreateTable, ot.CreateTable, tt.CreateTable); ok {
				changed = true
				stmts = append(stmts, sqlparser.CanonicalString(ct))
				continue
			}
		}
		stmts = append(stmts, createOf(b))
	}
	if !changed {
		return base
	}
	shared, err := loadSchema(env, stmts)
	if err != nil {
		return base
	}
	return shared
}

// createOf is an entity's CREATE statement.
func createOf(e schemadiff.Entity) string {
	if t, ok := e.(*schemadiff.CreateTableEntity); ok {
		return sqlparser.CanonicalString(t.CreateTable)
	}
	return e.Create().CanonicalStatementString()
}

// part is one column, key, constraint or table option of a table, by
// kind and name, with its definition.
type part struct {
	key, def string
}

// sharedTable returns base's table with the parts ours and theirs both
// changed in the same way changed so, and whether there was one.
func sharedTable(base, ours, theirs *sqlparser.CreateTable) (*sqlparser.CreateTable, bool) {
	bp, op, tp := partsOf(base), partsOf(ours), partsOf(theirs)
	var keys []string
	for _, m := range []map[string]string{bp, op, tp} {
		for k := range m {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var same []string
	for _, k := range slices.Compact(keys) {
		if o, t := op[k], tp[k]; o == t && o != bp[k] {
			same = append(same, k)
		}
	}
	if len(same) == 0 {
		return nil, false
	}
	ct := sqlparser.Clone(base)
	for _, k := range same {
		applyPart(ct.TableSpec, ours.TableSpec, k)
	}
	return ct, true
}

// partsOf lists a table's parts by key ("column:x", "index:x",
// "constraint:<definition>", "option:x") with their definitions.
// Constraints are known by their definition, as the diff hints ignore
// their names (diffHints).
func partsOf(ct *sqlparser.CreateTable) map[string]string {
	out := map[string]string{}
	spec := ct.TableSpec
	for _, c := range spec.Columns {
		out["column:"+c.Name.Lowered()] = sqlparser.CanonicalString(c)
	}
	for _, i := range spec.Indexes {
		out["index:"+indexKey(i)] = sqlparser.CanonicalString(i)
	}
	for _, c := range spec.Constraints {
		d := sqlparser.CanonicalString(c.Details)
		out["constraint:"+d] = d
	}
	for _, o := range spec.Options {
		out["option:"+strings.ToLower(o.Name)] = sqlparser.CanonicalString(sqlparser.TableOptions{o})
	}
	return out
}

func indexKey(i *sqlparser.IndexDefinition) string {
	if i.Info.Type == sqlparser.IndexTypePrimary {
		return "primary"
	}
	return i.Info.Name.Lowered()
}

// applyPart makes the part k of spec what it is in ours: replaced,
// removed, or added after the part that precedes it in ours. The parts
// taken from ours are shared, not copied: the result is only printed.
func applyPart(spec, ours *sqlparser.TableSpec, k string) {
	kind, name, _ := strings.Cut(k, ":")
	switch kind {
	case "column":
		spec.Columns = setPart(spec.Columns, ours.Columns, name, func(c *sqlparser.ColumnDefinition) string { return c.Name.Lowered() })
	case "index":
		spec.Indexes = setPart(spec.Indexes, ours.Indexes, name, indexKey)
	case "constraint":
		spec.Constraints = setPart(spec.Constraints, ours.Constraints, name, func(c *sqlparser.ConstraintDefinition) string {
			return sqlparser.CanonicalString(c.Details)
		})
	case "option":
		spec.Options = setPart(spec.Options, ours.Options, name, func(o *sqlparser.TableOption) string { return strings.ToLower(o.Name) })
	}
}

// setPart makes the element of list whose key is name what it is in
// ours: replaced in place, removed when ours has none, or inserted after
// the element ours has before it (first when none, at the end when that
// one is not in list).
func setPart[T any](list, ours []T, name string, key func(T) string) []T {
	is := func(x T) bool { return key(x) == name }
	at, from := slices.IndexFunc(list, is), slices.IndexFunc(ours, is)
	switch {
	case from < 0:
		if at < 0 {
			return list
		}
		return slices.Delete(list, at, at+1)
	case at >= 0:
		list[at] = ours[from]
		return list
	}
	pos := 0
	if from > 0 {
		prev := key(ours[from-1])
		pos = len(list)
		if i := slices.IndexFunc(list, func(x T) bool { return key(x) == prev }); i >= 0 {
			pos = i + 1
		}
	}
	return slices.Insert(list, pos, ours[from])
}

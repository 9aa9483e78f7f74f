package ddl

import (
	"slices"
	"strings"

	"vitess.io/vitess/go/vt/schemadiff"
	"vitess.io/vitess/go/vt/sqlparser"
)

// withShared returns base with the changes ours and theirs both made the same way
// applied, ThreeWay's merge base (docs/design/emulator-ddl.md).
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

// partsOf lists a table's parts by key ("column:x", "index:x", "option:x") with their
// definitions; a constraint's key is "constraint:" and its definition (diffHints).
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

// applyPart makes part k of spec what it is in ours (setPart); the parts taken
// from ours are shared, not copied, as the result is only printed.
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

// setPart replaces, removes or inserts list's element keyed name as in ours; a new
// one goes after its predecessor in ours (first if none, last if that is missing).
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

// orderFree prints an entity with its columns, keys and constraints sorted
// by name, so that definitions differing only in their order compare equal.
func orderFree(e schemadiff.Entity) string {
	switch e := e.(type) {
	case nil:
		return ""
	case *schemadiff.CreateTableEntity:
		ct := sqlparser.Clone(e.CreateTable)
		spec := ct.TableSpec
		slices.SortFunc(spec.Columns, func(x, y *sqlparser.ColumnDefinition) int {
			return strings.Compare(x.Name.Lowered(), y.Name.Lowered())
		})
		slices.SortFunc(spec.Indexes, func(x, y *sqlparser.IndexDefinition) int {
			return strings.Compare(x.Info.Name.Lowered(), y.Info.Name.Lowered())
		})
		slices.SortFunc(spec.Constraints, func(x, y *sqlparser.ConstraintDefinition) int {
			return strings.Compare(sqlparser.CanonicalString(x), sqlparser.CanonicalString(y))
		})
		return sqlparser.CanonicalString(ct)
	default:
		return e.Create().CanonicalStatementString()
	}
}

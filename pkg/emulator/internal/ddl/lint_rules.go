package ddl

import (
	"strings"

	"vitess.io/vitess/go/vt/schemadiff"
	"vitess.io/vitess/go/vt/sqlparser"
)

// lintUniqueKey requires a row identity online schema changes can use: a primary
// key over whole, non-BLOB/TEXT columns, else a unique key over such NOT NULL ones.
func lintUniqueKey(t *schemadiff.CreateTableEntity) []LintError {
	name := t.Name()
	cols := columnsByName(t.TableSpec)
	for _, idx := range t.TableSpec.Indexes {
		if idx.Info.Type != sqlparser.IndexTypePrimary {
			continue
		}
		var out []LintError
		for _, ic := range idx.Columns {
			col := cols[ic.Column.Lowered()]
			switch {
			case col != nil && isLOB(col.Type.Type):
				out = append(out, newLintError(LintBlobInUniqueKey, name, col.Name.String(),
					"table %q contains BLOB or TEXT column %q in the primary key.", name, col.Name.String()))
			case ic.Length != nil:
				out = append(out, newLintError(LintPartialKeyInUniqueKey, name, ic.Column.String(),
					"table %q contains partial index on column %q in the primary key.", name, ic.Column.String()))
			}
		}
		return out
	}
	for _, idx := range t.TableSpec.Indexes {
		if idx.Info.Type == sqlparser.IndexTypeUnique && usableUniqueKey(idx, cols, t.TableSpec) {
			return nil
		}
	}
	return []LintError{newLintError(LintNoUniqueKey, name, "",
		"table %q has no non-null unique key: all tables must have at least one unique, not-null key "+
			"without using text / blob columns or partial indexes.", name)}
}

// usableUniqueKey reports a unique key over whole, NOT NULL, non-BLOB/TEXT
// columns.
func usableUniqueKey(idx *sqlparser.IndexDefinition, cols map[string]*sqlparser.ColumnDefinition, spec *sqlparser.TableSpec) bool {
	if len(idx.Columns) == 0 {
		return false
	}
	for _, ic := range idx.Columns {
		col := cols[ic.Column.Lowered()]
		if ic.Expression != nil || ic.Length != nil || col == nil || isLOB(col.Type.Type) || notNull(spec, col) == 0 {
			return false
		}
	}
	return true
}

func columnsByName(spec *sqlparser.TableSpec) map[string]*sqlparser.ColumnDefinition {
	m := make(map[string]*sqlparser.ColumnDefinition, len(spec.Columns))
	for _, c := range spec.Columns {
		m[c.Name.Lowered()] = c
	}
	return m
}

func isLOB(typ string) bool {
	_, ok := lobBytes[strings.ToLower(typ)]
	return ok
}

// lintForeignKeys reports every foreign key constraint: PlanetScale
// databases reject them unless foreign key support is enabled.
func lintForeignKeys(t *schemadiff.CreateTableEntity) []LintError {
	var out []LintError
	for _, cs := range t.TableSpec.Constraints {
		fk, ok := cs.Details.(*sqlparser.ForeignKeyDefinition)
		if !ok {
			continue
		}
		names := make([]string, len(fk.Source))
		for i, c := range fk.Source {
			names[i] = c.String()
		}
		out = append(out, newLintError(LintForeignKeysDisallowed, t.Name(), strings.Join(names, ","),
			"table %q has a foreign key constraint %q on (%s): foreign key constraints are not supported.",
			t.Name(), cs.Name.String(), strings.Join(names, ", ")))
	}
	return out
}

// allowedCharsets are the charsets the linter accepts, as PlanetScale's docs list
// them (docs/design/emulator-ddl.md).
var allowedCharsets = map[string]bool{"utf8": true, "utf8mb3": true, "utf8mb4": true, "latin1": true, "ascii": true}

// charsetHint ends an INVALID_CHARSET description; it names all five charsets,
// where PlanetScale's text names the utf8 family only (docs/design/emulator-ddl.md).
const charsetHint = "only utf8, utf8mb4, utf8mb3, latin1 and ascii charsets are supported."

// lintCharsets checks the table charset and every column that overrides it.
func lintCharsets(t *schemadiff.CreateTableEntity) []LintError {
	var out []LintError
	if cs := strings.ToLower(t.GetCharset()); cs != "" && !allowedCharsets[cs] {
		out = append(out, newLintError(LintInvalidCharset, t.Name(), "",
			"table %q has an invalid table charset %s: %s", t.Name(), cs, charsetHint))
	}
	for _, col := range t.TableSpec.Columns {
		cs := strings.ToLower(col.Type.Charset.Name)
		if cs == "" || cs == "binary" || allowedCharsets[cs] || !isTextual(col.Type.Type) {
			continue
		}
		out = append(out, newLintError(LintInvalidCharset, t.Name(), col.Name.String(),
			"table %q has an invalid column charset %s on column %q: %s", t.Name(), cs, col.Name.String(), charsetHint))
	}
	return out
}

// lintEnums reports ENUM and SET values that occur more than once (MySQL
// compares them without trailing spaces and, by default, case).
func lintEnums(t *schemadiff.CreateTableEntity) []LintError {
	var out []LintError
	for _, col := range t.TableSpec.Columns {
		seen := map[string]bool{}
		for _, v := range enumValues(col.Type) {
			key := strings.ToLower(strings.TrimRight(v, " "))
			if seen[key] {
				out = append(out, newLintError(LintDuplicateEnumValue, t.Name(), col.Name.String(),
					"enum value '%s' occurs more than once.", v))
				break
			}
			seen[key] = true
		}
	}
	return out
}

// lintEngine requires InnoDB.
func lintEngine(t *schemadiff.CreateTableEntity) []LintError {
	for _, opt := range t.TableSpec.Options {
		if strings.EqualFold(opt.Name, "engine") && !strings.EqualFold(opt.String, "innodb") {
			return []LintError{newLintError(LintUnsupportedFeature, t.Name(), "",
				"table %q uses storage engine %s: only InnoDB is supported.", t.Name(), opt.String)}
		}
	}
	return nil
}

package ddl

import (
	"errors"

	"vitess.io/vitess/go/vt/schemadiff"
	"vitess.io/vitess/go/vt/sqlparser"
)

// Lint checks a schema as PlanetScale's safe-migrations linter does, findings in
// statement order; a bad statement gives a *StatementError (docs/design/emulator-ddl.md).
func Lint(schema []string) ([]LintError, error) {
	return LintWith(schema, LintOptions{})
}

// LintOptions are the database settings the linter follows.
type LintOptions struct {
	// ForeignKeys is allow_foreign_key_constraints (spec, PATCH .../databases/{database}):
	// on, FOREIGN_KEYS_DISALLOWED is not reported; the other foreign key checks stay.
	ForeignKeys bool
}

// LintWith is Lint for a database with these settings.
func LintWith(schema []string, opts LintOptions) ([]LintError, error) {
	env, err := environment()
	if err != nil {
		return nil, err
	}
	stmts, err := parseSchema(env, schema)
	if err != nil {
		return nil, err
	}
	var out []LintError
	entities := make([]schemadiff.Entity, 0, len(stmts))
	for _, stmt := range stmts {
		switch s := stmt.(type) {
		case *sqlparser.CreateTable:
			t, err := schemadiff.NewCreateTableEntity(env, s)
			if err != nil {
				out = append(out, newLintError(LintUnspecified, s.Table.Name.String(), "", "%v", err))
				continue
			}
			out = append(out, lintTable(t, opts)...)
			entities = append(entities, t)
		case *sqlparser.CreateView:
			v, err := schemadiff.NewCreateViewEntity(env, s)
			if err != nil {
				out = append(out, newLintError(LintUnspecified, s.ViewName.Name.String(), "", "%v", err))
				continue
			}
			entities = append(entities, v)
		}
	}
	if _, err := schemadiff.NewSchemaFromEntities(env, entities); err != nil {
		out = append(out, schemaLintErrors(err)...)
	}
	return out, nil
}

// lintTable runs the per-table rules.
func lintTable(t *schemadiff.CreateTableEntity, opts LintOptions) []LintError {
	var out []LintError
	out = append(out, lintUniqueKey(t)...)
	if !opts.ForeignKeys {
		out = append(out, lintForeignKeys(t)...)
	}
	out = append(out, lintCharsets(t)...)
	out = append(out, lintEnums(t)...)
	out = append(out, lintEngine(t)...)
	return out
}

// schemaLintErrors maps schemadiff's whole-schema validation errors to
// lint codes.
func schemaLintErrors(err error) []LintError {
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		var out []LintError
		for _, e := range joined.Unwrap() {
			out = append(out, schemaLintErrors(e)...)
		}
		return out
	}
	var (
		noTable   *schemadiff.ForeignKeyNonexistentReferencedTableError
		toView    *schemadiff.ForeignKeyReferencesViewError
		fkLoop    *schemadiff.ForeignKeyDependencyUnresolvedError
		viewDeps  *schemadiff.ViewDependencyUnresolvedError
		viewCol   *schemadiff.InvalidColumnReferencedInViewError
		duplicate *schemadiff.ApplyDuplicateEntityError
	)
	switch {
	case errors.As(err, &noTable):
		return []LintError{newLintError(LintForeignKeysNonexistentTable, noTable.Table, "", "%v", err)}
	case errors.As(err, &toView):
		return []LintError{newLintError(LintForeignKeysReferencedView, toView.Table, "", "%v", err)}
	case errors.As(err, &fkLoop):
		return []LintError{newLintError(LintForeignKeysUnresolved, fkLoop.Table, "", "%v", err)}
	case errors.As(err, &viewDeps):
		return []LintError{newLintError(LintInvalidTableReferencedInView, viewDeps.View, "", "%v", err)}
	case errors.As(err, &viewCol):
		return []LintError{newLintError(LintInvalidColumnReferencedInView, viewCol.View, "", "%v", err)}
	case errors.As(err, &duplicate):
		return []LintError{newLintError(LintUnspecified, duplicate.Entity, "", "%v", err)}
	}
	return []LintError{newLintError(LintUnspecified, "", "", "%v", err)}
}

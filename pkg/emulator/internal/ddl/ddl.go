package ddl

import (
	"context"
	"fmt"

	"vitess.io/vitess/go/vt/schemadiff"
	"vitess.io/vitess/go/vt/sqlparser"
)

// Kinds of Change.
const (
	KindCreate = "create"
	KindAlter  = "alter"
	KindDrop   = "drop"
)

// Change is the change to one table or view.
type Change struct {
	// Name is the table or view name.
	Name string
	// Statement is one CREATE, ALTER or DROP statement without a semicolon; a
	// changed view is CREATE OR REPLACE VIEW (docs/design/emulator-ddl.md).
	Statement string
	// Kind is "create", "alter" or "drop".
	Kind string
	// Destructive reports a dropped table, view, column or index, or a narrowed
	// column (smaller type or length, signedness, NOT NULL added, enum values gone).
	Destructive bool
}

// Plan is the ordered set of changes that turns the base schema into the
// branch schema, in an order that can be applied (vitess ordered diffs).
type Plan struct {
	Changes []Change
}

// Empty reports whether the two schemas are equivalent.
func (p Plan) Empty() bool { return len(p.Changes) == 0 }

// Destructive reports whether any change in the plan is destructive.
func (p Plan) Destructive() bool {
	for _, c := range p.Changes {
		if c.Destructive {
			return true
		}
	}
	return false
}

// Statements returns the plan's DDL statements in order.
func (p Plan) Statements() []string {
	out := make([]string, len(p.Changes))
	for i, c := range p.Changes {
		out[i] = c.Statement
	}
	return out
}

// Diff returns the plan that turns base into branch, each a list of CREATE
// statements as the server prints them; a bad statement gives a *StatementError.
func Diff(base, branch []string) (Plan, error) {
	env, err := environment()
	if err != nil {
		return Plan{}, err
	}
	from, err := loadSchema(env, base)
	if err != nil {
		return Plan{}, fmt.Errorf("base schema: %w", err)
	}
	to, err := loadSchema(env, branch)
	if err != nil {
		return Plan{}, fmt.Errorf("branch schema: %w", err)
	}
	sd, err := from.SchemaDiff(to, diffHints())
	if err != nil {
		return Plan{}, fmt.Errorf("diff schemas: %w", err)
	}
	return planOf(sd)
}

// planOf lists a schema diff's changes in an order that applies (vitess
// ordered diffs).
func planOf(sd *schemadiff.SchemaDiff) (Plan, error) {
	diffs, err := sd.OrderedDiffs(context.Background())
	if err != nil {
		return Plan{}, fmt.Errorf("order schema changes: %w", err)
	}
	plan := Plan{Changes: make([]Change, 0, len(diffs))}
	for _, d := range diffs {
		if d.IsEmpty() {
			continue
		}
		plan.Changes = append(plan.Changes, newChange(d))
	}
	return plan, nil
}

// loadSchema parses, normalises and validates a list of CREATE statements.
func loadSchema(env *schemadiff.Environment, stmts []string) (*schemadiff.Schema, error) {
	parsed, err := parseSchema(env, stmts)
	if err != nil {
		return nil, err
	}
	s, err := schemadiff.NewSchemaFromStatements(env, parsed)
	if err != nil {
		return nil, fmt.Errorf("invalid schema: %w", err)
	}
	return s, nil
}

// newChange describes one schemadiff entity diff.
func newChange(d schemadiff.EntityDiff) Change {
	c := Change{Name: d.EntityName(), Statement: d.CanonicalStatementString()}
	switch d := d.(type) {
	case *schemadiff.CreateTableEntityDiff, *schemadiff.CreateViewEntityDiff:
		c.Kind = KindCreate
	case *schemadiff.DropTableEntityDiff, *schemadiff.DropViewEntityDiff:
		c.Kind = KindDrop
		c.Destructive = true
	case *schemadiff.AlterTableEntityDiff:
		c.Kind = KindAlter
		c.Destructive = alterIsDestructive(d)
	case *schemadiff.AlterViewEntityDiff:
		c.Kind = KindAlter
		c.Statement = replaceViewStatement(d)
	default:
		c.Kind = KindAlter
	}
	return c
}

// replaceViewStatement renders a view change as CREATE OR REPLACE VIEW, which
// MySQL treats as ALTER VIEW and go-mysql-server, which has no ALTER VIEW, accepts.
func replaceViewStatement(d *schemadiff.AlterViewEntityDiff) string {
	_, to := d.Entities()
	view, ok := to.(*schemadiff.CreateViewEntity)
	if !ok {
		return d.CanonicalStatementString()
	}
	stmt := sqlparser.Clone(view.CreateView)
	stmt.IsReplace = true
	return sqlparser.CanonicalString(stmt)
}

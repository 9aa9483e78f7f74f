package ddl

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"vitess.io/vitess/go/vt/schemadiff"
)

// Merge is the outcome of a three-way merge of schema changes: the changes
// that turned base into ours, applied onto theirs.
type Merge struct {
	// Plan turns theirs into Result; it holds only ours' changes.
	Plan Plan
	// Result is theirs with ours' changes applied, as canonical CREATE
	// statements. It is theirs when there is a conflict.
	Result []string
	// Conflicts lists what collides; a merge with conflicts has an empty
	// Plan.
	Conflicts []Conflict
	// InstantEligible reports whether every change of Plan can run with
	// ALGORITHM=INSTANT (and at least one needs to).
	InstantEligible bool
}

// Conflict is an entity that ours and theirs both changed in ways that do
// not commute.
type Conflict struct {
	// Name is the table or view.
	Name string
	// Ours and Theirs are each side's statements for the entity, from base.
	Ours, Theirs []string
	// Reason says why the changes collide.
	Reason string
}

// String describes the conflict in one line.
func (c Conflict) String() string {
	return fmt.Sprintf("%s: %s; this branch: %s; the target, since the branch was created: %s",
		c.Name, c.Reason, joinOr(c.Ours), joinOr(c.Theirs))
}

func joinOr(stmts []string) string {
	if len(stmts) == 0 {
		return "(no change)"
	}
	return strings.Join(stmts, "; ")
}

// ThreeWay merges the changes that turned base into ours onto theirs, as PlanetScale
// deploys a branch into a target that moved on (docs/design/emulator-ddl.md).
func ThreeWay(base, ours, theirs []string) (Merge, error) {
	env, err := environment()
	if err != nil {
		return Merge{}, err
	}
	var b, o, t *schemadiff.Schema
	for _, s := range []struct {
		dst  **schemadiff.Schema
		stmt []string
		name string
	}{{&b, base, "base"}, {&o, ours, "ours"}, {&t, theirs, "theirs"}} {
		if *s.dst, err = loadSchema(env, s.stmt); err != nil {
			return Merge{}, fmt.Errorf("%s schema: %w", s.name, err)
		}
	}
	b = withShared(env, b, o, t)
	oursDiffs, err := orderedDiffs(b, o)
	if err != nil {
		return Merge{}, err
	}
	theirsDiffs, err := orderedDiffs(b, t)
	if err != nil {
		return Merge{}, err
	}
	m := Merge{Result: t.ToQueries()}
	if len(oursDiffs) == 0 {
		return m, nil
	}
	theirsThenOurs, err1 := t.Apply(oursDiffs)
	oursThenTheirs, err2 := o.Apply(theirsDiffs)
	if conflicts := applyConflicts(oursDiffs, theirsDiffs, err1, err2); len(conflicts) > 0 {
		m.Conflicts = conflicts
		return m, nil
	}
	if conflicts := differing(theirsThenOurs, oursThenTheirs, oursDiffs, theirsDiffs); len(conflicts) > 0 {
		m.Conflicts = conflicts
		return m, nil
	}
	sd, err := t.SchemaDiff(theirsThenOurs, diffHints())
	if err != nil {
		return Merge{}, fmt.Errorf("diff merged schema: %w", err)
	}
	if m.Plan, err = planOf(sd); err != nil {
		return Merge{}, err
	}
	m.Result = theirsThenOurs.ToQueries()
	m.InstantEligible = sd.InstantDDLCapability() == schemadiff.InstantDDLCapabilityPossible
	return m, nil
}

// orderedDiffs lists the entity diffs from one schema to another in an
// order that applies.
func orderedDiffs(from, to *schemadiff.Schema) ([]schemadiff.EntityDiff, error) {
	sd, err := from.SchemaDiff(to, diffHints())
	if err != nil {
		return nil, fmt.Errorf("diff schemas: %w", err)
	}
	diffs, err := sd.OrderedDiffs(context.Background())
	if err != nil {
		return nil, fmt.Errorf("order schema changes: %w", err)
	}
	return slices.DeleteFunc(diffs, schemadiff.EntityDiff.IsEmpty), nil
}

// applyConflicts turns a failure to apply one side's changes onto the other
// into conflicts on the entity the failure names.
func applyConflicts(ours, theirs []schemadiff.EntityDiff, errs ...error) []Conflict {
	var out []Conflict
	for _, err := range errs {
		if err == nil {
			continue
		}
		name := failedEntity(err)
		if name == "" || slices.ContainsFunc(out, func(c Conflict) bool { return c.Name == name }) {
			if name == "" {
				out = append(out, Conflict{Reason: err.Error(), Ours: statementsOf(ours, ""), Theirs: statementsOf(theirs, "")})
			}
			continue
		}
		out = append(out, Conflict{
			Name: name, Reason: err.Error(),
			Ours: statementsOf(ours, name), Theirs: statementsOf(theirs, name),
		})
	}
	return out
}

// failedEntity names the table or view of a schemadiff error: the first field Entity,
// Table or View in its chain (vitess go/vt/schemadiff/errors.go).
func failedEntity(err error) string {
	if err == nil {
		return ""
	}
	v := reflect.ValueOf(err)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Kind() == reflect.Struct {
		for _, field := range []string{"Entity", "Table", "View"} {
			if f := v.FieldByName(field); f.Kind() == reflect.String && f.String() != "" {
				return f.String()
			}
		}
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return failedEntity(u.Unwrap())
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if name := failedEntity(e); name != "" {
				return name
			}
		}
	}
	return ""
}

// differing compares the two merge orders entity by entity and reports
// each entity whose definitions differ.
func differing(a, b *schemadiff.Schema, ours, theirs []schemadiff.EntityDiff) []Conflict {
	names := append(a.EntityNames(), b.EntityNames()...)
	slices.Sort(names)
	var out []Conflict
	for _, name := range slices.Compact(names) {
		if orderFree(a.Entity(name)) == orderFree(b.Entity(name)) {
			continue
		}
		out = append(out, Conflict{
			Name: name, Reason: "the changes give a different result depending on which is applied first",
			Ours: statementsOf(ours, name), Theirs: statementsOf(theirs, name),
		})
	}
	return out
}

// statementsOf lists the statements of diffs about one entity (all of them
// for an empty name).
func statementsOf(diffs []schemadiff.EntityDiff, name string) []string {
	var out []string
	for _, d := range diffs {
		if name == "" || d.EntityName() == name {
			out = append(out, newChange(d).Statement)
		}
	}
	return out
}

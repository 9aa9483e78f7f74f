package deploy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/psflow/psflow/pkg/emulator/internal/ddl"
)

// Sides are the three schemas a deploy request is planned from, each a
// list of CREATE statements.
type Sides struct {
	// Fork is the branch's parent schema when the branch was created: its
	// fork point.
	Fork []string
	// Branch is the branch's schema now.
	Branch []string
	// Target is the schema of the branch deployed into, now.
	Target []string
	// ForeignKeys is the target database's allow_foreign_key_constraints:
	// with it on, foreign keys are no lint error.
	ForeignKeys bool
}

// Plan is what deploying a branch would do to its target, and whether it
// may.
type Plan struct {
	// Changes are the branch's changes since its fork point, as the deploy
	// request's diff shows them.
	Changes ddl.Plan
	// Merge applies Changes onto the target: its Plan is what a deploy runs.
	Merge ddl.Merge
	// Lint are the schema lint errors of the entities the deploy changes,
	// as they would be after it.
	Lint []ddl.LintError
}

// Evaluate plans a deploy request: the branch's changes since its fork point, not against the
// target now, merged three ways onto the target, then linted.
func Evaluate(s Sides) (Plan, error) {
	changes, err := ddl.Diff(s.Fork, s.Branch)
	if err != nil {
		return Plan{}, fmt.Errorf("branch changes: %w", err)
	}
	merge, err := ddl.ThreeWay(s.Fork, s.Branch, s.Target)
	if err != nil {
		return Plan{}, fmt.Errorf("merge into target: %w", err)
	}
	p := Plan{Changes: changes, Merge: merge}
	if merge.Plan.Empty() {
		return p, nil
	}
	found, err := ddl.LintWith(merge.Result, ddl.LintOptions{ForeignKeys: s.ForeignKeys})
	if err != nil {
		return Plan{}, fmt.Errorf("lint merged schema: %w", err)
	}
	touched := map[string]bool{}
	for _, c := range merge.Plan.Changes {
		touched[c.Name] = true
	}
	for _, l := range found {
		if touched[l.Table] {
			p.Lint = append(p.Lint, l)
		}
	}
	return p, nil
}

// Empty reports whether deploying would change nothing: the branch has no
// changes since its fork point, or the target already has them all.
func (p Plan) Empty() bool { return p.Merge.Plan.Empty() && len(p.Merge.Conflicts) == 0 }

// Deployable reports whether the plan applies onto the target without conflict and breaks no lint
// rule (planetscale.com/docs/vitess/schema-changes/branching; docs/design/emulator-deploy.md).
func (p Plan) Deployable() bool {
	return !p.Empty() && len(p.Merge.Conflicts) == 0 && len(p.Lint) == 0
}

// CheckErrors says, one finding a line, why the plan cannot be deployed:
// the spec's deployment.deploy_check_errors. It is empty when it can.
func (p Plan) CheckErrors() string {
	var lines []string
	for _, c := range p.Merge.Conflicts {
		lines = append(lines, "conflict on "+c.String())
	}
	for _, l := range p.Lint {
		lines = append(lines, fmt.Sprintf("lint error %s on %s: %s", l.LintError, l.Table, l.ErrorDescription))
	}
	return strings.Join(lines, "\n")
}

// Same reports whether two plans would run the same statements and show
// the same diff.
func (p Plan) Same(o Plan) bool {
	return slices.Equal(p.Merge.Plan.Statements(), o.Merge.Plan.Statements()) &&
		slices.Equal(p.Changes.Statements(), o.Changes.Statements()) &&
		p.CheckErrors() == o.CheckErrors()
}

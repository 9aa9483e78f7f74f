package deploy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/psflow/psflow/pkg/emulator/internal/ddl"
)

// Ahead is a deployment ahead in a deploy queue that has not changed its target yet, with
// the sides it was queued with: its branch's fork point and its branch at deploy.
type Ahead struct {
	Number       uint64
	Fork, Branch []string
}

// Project returns target as it will be once each deployment ahead has applied its changes in
// order, a conflicting one changing nothing (docs/design/emulator-deploy.md).
func Project(target []string, ahead []Ahead) ([]string, error) {
	for _, a := range ahead {
		m, err := ddl.ThreeWay(a.Fork, a.Branch, target)
		if err != nil {
			return nil, fmt.Errorf("deployment ahead #%d: %w", a.Number, err)
		}
		target = m.Result
	}
	return target, nil
}

// Collision is a deployment queued ahead that a deploy request cannot follow: on Table, their
// changes do not apply one after the other.
type Collision struct {
	// Number is the deploy request of the deployment ahead.
	Number uint64
	// Table is the table or view, empty when the merge cannot name it.
	Table string
	// Reason says what fails once both apply: a conflict or a lint
	// error.
	Reason string
	// Ours are the request's statements for Table since its fork point; Theirs the deployment
	// ahead's since its own (all of them when it does not change Table itself).
	Ours, Theirs []string
}

// String describes the collision in one line, as deploy_check_errors
// shows it.
func (c Collision) String() string {
	on := ""
	if c.Table != "" {
		on = c.Table + ": "
	}
	return fmt.Sprintf("conflict with deploy request #%d queued ahead: %s%s; this branch: %s; deploy request #%d: %s",
		c.Number, on, c.Reason, statementList(c.Ours), c.Number, statementList(c.Theirs))
}

func statementList(stmts []string) string {
	if len(stmts) == 0 {
		return "(no change)"
	}
	return strings.Join(stmts, "; ")
}

// CheckQueue checks a deploy request joining its queue against s.Target as those ahead will
// leave it, returning the collisions of each failing table (docs/design/emulator-deploy.md).
func CheckQueue(s Sides, ahead []Ahead) ([]Collision, error) {
	if len(ahead) == 0 {
		return nil, nil
	}
	p, err := evaluateAfter(s, ahead)
	if err != nil || p.Deployable() || p.Empty() {
		// Empty: the deployments ahead make every change of the request;
		// that is no conflict, and the first deploy consumes them (blog
		// post "Database branching: three-way merge for schema changes").
		return nil, err
	}
	plans := make([]ddl.Plan, len(ahead))
	theirs := make([]map[string][]string, len(ahead))
	for i, a := range ahead {
		if plans[i], err = ddl.Diff(a.Fork, a.Branch); err != nil {
			return nil, fmt.Errorf("deployment ahead #%d: %w", a.Number, err)
		}
		theirs[i] = byTable(plans[i])
	}
	var out []Collision
	for _, f := range failures(p) {
		found := len(out)
		for i, a := range ahead {
			if stmts, ok := theirs[i][f.table]; ok && f.table != "" {
				out = append(out, Collision{Number: a.Number, Table: f.table, Reason: f.reason, Ours: f.ours, Theirs: stmts})
			}
		}
		if len(out) > found {
			continue
		}
		i, err := firstBreaking(s, ahead)
		if err != nil {
			return nil, err
		}
		out = append(out, Collision{Number: ahead[i].Number, Table: f.table, Reason: f.reason, Ours: f.ours, Theirs: plans[i].Statements()})
	}
	return out, nil
}

// evaluateAfter plans the request onto its target as the deployments
// ahead will leave it.
func evaluateAfter(s Sides, ahead []Ahead) (Plan, error) {
	projected, err := Project(s.Target, ahead)
	if err != nil {
		return Plan{}, err
	}
	return Evaluate(Sides{Fork: s.Fork, Branch: s.Branch, Target: projected, ForeignKeys: s.ForeignKeys})
}

// firstBreaking returns the index of the first deployment ahead after which the request is
// no longer deployable (the last one when it stays deployable).
func firstBreaking(s Sides, ahead []Ahead) (int, error) {
	for i := range ahead[:len(ahead)-1] {
		p, err := evaluateAfter(s, ahead[:i+1])
		if err != nil || !p.Deployable() {
			return i, err
		}
	}
	return len(ahead) - 1, nil
}

// failure is what keeps a plan from deploying on one table (none when
// the merge cannot name it), with the request's statements there.
type failure struct {
	table, reason string
	ours          []string
}

// failures lists why a plan that is not deployable is not, table by
// table, each once.
func failures(p Plan) []failure {
	ours := byTable(p.Changes)
	var out []failure
	add := func(f failure) {
		if !slices.ContainsFunc(out, func(o failure) bool { return o.table == f.table && o.reason == f.reason }) {
			out = append(out, f)
		}
	}
	for _, c := range p.Merge.Conflicts {
		add(failure{c.Name, c.Reason, c.Ours})
	}
	for _, l := range p.Lint {
		add(failure{l.Table, fmt.Sprintf("lint error %s once both apply: %s", l.LintError, l.ErrorDescription), ours[l.Table]})
	}
	return out
}

// byTable groups a plan's statements by the table or view they change.
func byTable(p ddl.Plan) map[string][]string {
	out := map[string][]string{}
	for _, c := range p.Changes {
		out[c.Name] = append(out[c.Name], c.Statement)
	}
	return out
}

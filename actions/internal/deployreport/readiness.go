package deployreport

import (
	"context"
	"fmt"
	"strings"

	"github.com/psflow/psflow/actions/internal/prose"
	"github.com/psflow/psflow/pkg/planetscale"
)

// Readiness says whether a deploy request can be deployed and what stands
// in its way: conflicts, lint errors, a missing approval, the queue ahead.
type Readiness struct {
	Deployable       bool     // the deployment's deployable, as PlanetScale reports it
	Conflicts        []string // deploy_check_errors, one per line
	LintErrors       []string // the deployment's lint errors, "NO_UNIQUE_KEY on `t`: why"
	ApprovalRequired bool     // the database requires an approval for deploys
	Approved         bool
	Ahead            []Ahead  // deployments ahead in the target's queue, running one first
	Unknown          []string // what could not be read, and why
	ChecksUnread     bool     // it is not deployable and deploy_check_errors could not be read
}

// Ahead is a deployment ahead in a deploy queue.
type Ahead struct {
	Number uint64
	State  string
}

// ReadReadiness reads what decides whether dr can deploy; a part that
// cannot be read is listed in Unknown rather than failing the whole.
func ReadReadiness(ctx context.Context, c *planetscale.Client, db string, dr *planetscale.DeployRequest) Readiness {
	r := Readiness{Approved: dr.Approved}
	if d := dr.Deployment; d != nil {
		r.Deployable = d.Deployable
		r.LintErrors = LintErrors(d.LintErrors)
	}
	if !r.Deployable && dr.DeploymentState != planetscale.StatePending && dr.DeploymentState != planetscale.StateNoChanges {
		if d, err := c.GetDeployment(ctx, db, dr.Number); err != nil {
			r.Unknown = append(r.Unknown, fmt.Sprintf("what keeps it from deploying (%v)", err))
			r.ChecksUnread = true
		} else {
			r.Conflicts = CheckErrors(d)
		}
	}
	if database, err := c.GetDatabase(ctx, db); err != nil {
		r.Unknown = append(r.Unknown, fmt.Sprintf("whether the database requires approvals (%v)", err))
	} else {
		r.ApprovalRequired = database.RequireApprovalForDeploy
	}
	switch dr.DeploymentState {
	case planetscale.StateQueued:
		if dr.Deployment != nil {
			r.Ahead = Preceding(dr.Deployment.PrecedingDeployments)
		}
	case planetscale.StateReady, planetscale.StateError:
		queue, err := c.DeployQueue(ctx, db)
		if err != nil {
			r.Unknown = append(r.Unknown, fmt.Sprintf("the deploy queue of %s (%v)", dr.IntoBranch, err))
		}
		for _, d := range queue {
			if d.IntoBranch == dr.IntoBranch && d.DeployRequestNumber != dr.Number {
				r.Ahead = append(r.Ahead, Ahead{Number: d.DeployRequestNumber, State: d.State})
			}
		}
	}
	return r
}

// CheckErrors splits a deployment's deploy_check_errors into lines, one
// per conflict.
func CheckErrors(d *planetscale.Deployment) []string {
	if d == nil || d.DeployCheckErrors == nil {
		return nil
	}
	var out []string
	for _, line := range strings.Split(*d.DeployCheckErrors, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// LintErrors describes a deployment's lint errors, one line each.
func LintErrors(errs []*planetscale.DeploymentLintError) []string {
	out := make([]string, 0, len(errs))
	for _, l := range errs {
		line := fmt.Sprintf("%s on `%s`", l.LintError, l.Table)
		if l.ErrorDescription != "" {
			line += ": " + prose.OneLine(l.ErrorDescription)
		}
		out = append(out, line)
	}
	return out
}

// Preceding turns a deployment's preceding_deployments into Ahead.
func Preceding(ds []*planetscale.QueuedDeployment) []Ahead {
	out := make([]Ahead, 0, len(ds))
	for _, d := range ds {
		out = append(out, Ahead{Number: d.DeployRequestNumber, State: d.State})
	}
	return out
}

// Describe says what a deployment ahead is doing, naming one that holds
// the queue until someone acts (a gated cutover, a revert window).
func (a Ahead) Describe() string {
	switch a.State {
	case planetscale.StatePendingCutover:
		return fmt.Sprintf("#%d waits for its cutover (pending_cutover) and holds the queue until it is applied or cancelled", a.Number)
	case planetscale.StateCompletePendingRevert:
		return fmt.Sprintf("#%d is in its revert window (complete_pending_revert) and holds the queue until the revert is skipped, the change reverted or the window closes", a.Number)
	}
	return fmt.Sprintf("#%d (%s)", a.Number, a.State)
}

// DescribeQueue names the deployments ahead, running one first: "#3
// (in_progress), #4 (queued)".
func DescribeQueue(ahead []Ahead) string {
	parts := make([]string, 0, len(ahead))
	for _, a := range ahead {
		parts = append(parts, a.Describe())
	}
	return strings.Join(parts, "; ")
}

// Blockers lists what keeps a deploy request from deploying: its
// conflicts, then its lint errors.
func (r Readiness) Blockers() []string {
	return append(append([]string{}, r.Conflicts...), prefixed("lint error ", r.LintErrors)...)
}

func prefixed(prefix string, lines []string) []string {
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		out = append(out, prefix+l)
	}
	return out
}

package opendeployrequest

import (
	"context"
	"fmt"

	"github.com/psflow/psflow/internal/scope"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

// previous returns the branch's last deploy request into d.Into, among mine,
// when it has no schema changes since (docs/design/actions-open-deploy-request.md); else nil.
func previous(ctx context.Context, s *step.Step, c *planetscale.Client, db string, d planetscale.CreateDeploy, mine []*planetscale.DeployRequest) (*planetscale.DeployRequest, error) {
	var deployed, last *planetscale.DeployRequest
	for _, dr := range mine {
		if dr.State != planetscale.RequestClosed {
			continue
		}
		if last == nil || dr.Number > last.Number {
			last = dr
		}
		if dr.DeployedAt != nil && (deployed == nil || dr.Number > deployed.Number) {
			deployed = dr
		}
	}
	if deployed != nil {
		last = deployed
	}
	if last == nil {
		return nil, nil
	}
	diff, err := c.BranchDiff(ctx, db, d.Branch)
	if err != nil {
		return nil, err
	}
	if len(diff) > 0 {
		s.Logf("branch %s of %s has schema changes since deploy request #%d (%s): opening a new deploy request", d.Branch, scope.OrgDatabase(s), last.Number, fate(last))
		return nil, nil
	}
	return last, nil
}

// fate says what became of a closed deploy request.
func fate(dr *planetscale.DeployRequest) string {
	if dr.DeployedAt != nil {
		return fmt.Sprintf("deployed at %s, %s", dr.DeployedAt.UTC().Format("2006-01-02 15:04:05Z"), dr.DeploymentState)
	}
	return fmt.Sprintf("closed without a deploy, %s", dr.DeploymentState)
}

// reportPrevious says the branch has nothing new since deploy request dr
// and points the outputs at it, leaving the sticky comment as it is.
func reportPrevious(s *step.Step, dr *planetscale.DeployRequest) {
	where := scope.OrgDatabase(s)
	s.Logf("branch %s of %s has no schema changes since deploy request #%d into %s (%s): no deploy request opened; the outputs are #%d's (%s)",
		dr.Branch, where, dr.Number, dr.IntoBranch, fate(dr), dr.Number, dr.HtmlURL)
	s.Output("number", fmt.Sprint(dr.Number))
	s.Output("url", dr.HtmlURL)
	s.Output("deployment_state", dr.DeploymentState)
	for _, name := range []string{"has_changes", "destructive", "deployable"} {
		s.Output(name, "false")
	}
	for _, name := range []string{"diff", "conflicts", "lint_errors", "approval_required", "approved", "queue_ahead", "reported_diff"} {
		s.Output(name, "")
	}
	verdict := "**Deployed**: "
	if dr.DeployedAt == nil {
		verdict = "**Closed** without a deploy: "
	}
	s.Summary(fmt.Sprintf("### PlanetScale deploy request [#%d](%s): `%s` → `%s` of %s\n\n%sbranch `%s` has no schema changes since this request (%s), so no new deploy request was opened.\n",
		dr.Number, dr.HtmlURL, dr.Branch, dr.IntoBranch, where, verdict, dr.Branch, fate(dr)))
}

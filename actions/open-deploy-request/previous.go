package opendeployrequest

import (
	"context"
	"fmt"

	"github.com/psflow/psflow/internal/scope"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

// previous returns the branch's last deploy request into d.Into when the
// branch has no open one and no schema changes since: its newest deployed
// request, else its newest closed one, among the branch's requests mine. It returns nil when there is none,
// or when the branch has changes, which a new request is opened for.
//
// Whether the branch has changes is read from the branch's diff (GET
// …/branches/{branch}/diff), without opening a request: it is what a new
// request would carry, and it is empty once a deploy request deployed the
// branch's changes, and for a branch created afresh off a production that
// has them (a re-run of a merged pull request's job after delete-branch).
// pscale deploy-request create does no such check: it posts the request
// and prints the API's answer (planetscale/cli,
// internal/cmd/deployrequest/create.go), which after a deploy is a new
// request with no_changes.
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

// reportPrevious says that the branch has nothing new since deploy
// request dr and points the outputs at it: number, url and
// deployment_state are dr's; has_changes, destructive and deployable are
// false, as nothing is left to deploy. The sticky comment is left as it
// is: it shows what wait-and-deploy reported about dr.
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

package waitanddeploy

import (
	"context"
	"fmt"
	"strings"

	"github.com/psflow/psflow/actions/internal/deploycomment"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

// logQueue logs where the queued request dr stands in its target's deploy
// queue and what is ahead of it, naming a deployment that holds the queue
// (a gated cutover, a revert window), once per change.
func (f *follower) logQueue(dr *planetscale.DeployRequest) {
	var ahead []deploycomment.Ahead
	if dr.Deployment != nil {
		ahead = deploycomment.Preceding(dr.Deployment.PrecedingDeployments)
	}
	desc := deploycomment.DescribeQueue(ahead)
	if desc == f.queue {
		return
	}
	f.queue = desc
	if len(ahead) == 0 {
		f.s.Logf("deploy request #%d of %s is now first in the deploy queue of %s", f.number, f.where(), dr.IntoBranch)
		return
	}
	f.s.Logf("deploy request #%d of %s is queued at position %d in the deploy queue of %s; ahead of it: %s",
		f.number, f.where(), len(ahead)+1, dr.IntoBranch, desc)
}

// notDeployable is the step's error for a request in deployment state
// error: what keeps it from deploying (its conflicts with the target, its
// lint errors) and what to do.
func (f *follower) notDeployable(ctx context.Context) error {
	dr := f.last
	var g deploycomment.Readiness
	if dr.Deployment != nil {
		g.LintErrors = deploycomment.LintErrors(dr.Deployment.LintErrors)
	}
	d, err := f.c.GetDeployment(ctx, f.db, dr.Number)
	if err == nil {
		g.Conflicts = deploycomment.CheckErrors(d)
		g.LintErrors = deploycomment.LintErrors(d.LintErrors)
	}
	why := strings.Join(g.Blockers(), "; ")
	if why == "" {
		why = "PlanetScale reports it as not deployable"
		if err != nil {
			why += fmt.Sprintf(" (why could not be read: %v)", err)
		}
	}
	return step.DeployFailedf("deploy request #%d of %s cannot be deployed: %s; %s; see %s",
		dr.Number, f.where(), why, g.Remedy(dr.Branch, dr.IntoBranch, f.pr), dr.HtmlURL)
}

// refusalAdvice says what to do about a deploy the API keeps refusing.
func (f *follower) refusalAdvice() string {
	dr := f.last
	if strings.Contains(f.refused.Error(), "queued ahead") {
		return fmt.Sprintf("its changes collide with a deployment queued ahead of it: once that one is done, %s (see %s)",
			deploycomment.Rebase(dr.Branch, dr.IntoBranch, f.pr), dr.HtmlURL)
	}
	return "see " + dr.HtmlURL
}

package deployreport

import (
	"fmt"

	"github.com/psflow/psflow/pkg/runctx"
	"github.com/psflow/psflow/pkg/step"
)

// Stage is where the pull request behind a deploy request is in its life,
// which decides what a user can do about a request that cannot deploy.
type Stage int

// The stages of a pull request.
const (
	StageUnknown Stage = iota // no pull request, or the CI does not say what happened to it
	BeforeMerge               // open: every push runs seed-branch and open-deploy-request
	AfterMerge                // merged: no push follows, the merged flow runs once
)

// PR is what advice knows of the pull request behind a deploy request.
type PR struct {
	Stage Stage
	Base  string // the repository branch it merges into ("main"); "" when not known
}

// PROf reads the pull request of the run's context; a context that cannot
// be read is a PR of unknown stage.
func PROf(s *step.Step) PR {
	rc, err := s.Context()
	if err != nil {
		return PR{}
	}
	return prOf(rc)
}

// prOf is the pull request rc builds: open until an event says it was
// merged; closed without merging, pushed or unreported is not known.
func prOf(rc runctx.Context) PR {
	if rc.PullRequest <= 0 {
		return PR{}
	}
	pr := PR{Base: rc.BaseRef}
	switch rc.Event {
	case runctx.Merged:
		pr.Stage = AfterMerge
	case runctx.Closed, runctx.Unreported, runctx.Push:
	default:
		pr.Stage = BeforeMerge
	}
	return pr
}

// Rebase says how branch is brought onto into as it is now: seed-branch,
// run by a push before the merge and by the merged flow after it.
func Rebase(branch, into string, pr PR) string {
	switch pr.Stage {
	case BeforeMerge:
		return fmt.Sprintf("merge %s into the pull request and push: seed-branch brings %s onto %s as it is now", pr.base(), branch, into)
	case AfterMerge:
		return fmt.Sprintf("run seed-branch again with the merged files (it brings %s onto %s as it is now), then open-deploy-request and wait-and-deploy; "+
			"re-running this job does all three", branch, into)
	}
	return fmt.Sprintf("run seed-branch again (it brings %s onto %s as it is now; while the pull request is open, merge %s into it first), "+
		"then open-deploy-request and wait-and-deploy", branch, into, pr.base())
}

// Remedy says what makes a deploy request of branch into into, with these
// blockers, deployable, as a user can do it at pr's stage.
func (g Readiness) Remedy(branch, into string, pr PR) string {
	conflict, lint := len(g.Conflicts) > 0, len(g.LintErrors) > 0
	switch {
	case !conflict && !lint:
		return fmt.Sprintf("see the deploy request on PlanetScale for why %s cannot take it", into)
	case lint && pr.Stage == AfterMerge:
		// The merged files have them: a pull request off main as it is
		// then fixes them, and its branch carries this one's changes too.
		return fmt.Sprintf("the merged files have lint errors: fix them in a new pull request, whose branch, made off %s as it is then, deploys these changes too", into)
	case lint && !conflict && pr.Stage == BeforeMerge:
		return fmt.Sprintf("fix the lint errors in the pull request's files and push: seed-branch makes branch %s match them", branch)
	case lint && !conflict:
		return fmt.Sprintf("fix the lint errors in the files, run seed-branch again (it makes branch %s match them), then open-deploy-request and wait-and-deploy", branch)
	}
	why := fmt.Sprintf("the schema of %s changed since branch %s was created:", into, branch)
	if lint {
		why = fmt.Sprintf("the schema of %s changed since branch %s was created, and the files have lint errors: fix them, then", into, branch)
	}
	return why + " " + Rebase(branch, into, pr)
}

// base names the pull request's base branch for advice.
func (pr PR) base() string {
	if pr.Base == "" {
		return "its base branch"
	}
	return pr.Base
}

package waitanddeploy

import (
	"fmt"

	"github.com/psflow/psflow/actions/shared"
	"github.com/psflow/psflow/pkg/step"
)

// closedUnmerged acts on what the CI says of the run's pull request when
// the deploy request is not given: one closed without merging is not
// deployed. It reports whether the step is done.
func closedUnmerged(s *step.Step) (bool, error) {
	if s.Int("number") != 0 {
		return false, nil
	}
	rc, state, err := shared.PullRequestState(s)
	if err != nil {
		return false, err
	}
	switch state {
	case shared.PRClosed:
		s.Noticef("pull request #%d was closed without merging: nothing was deployed to %s", rc.PullRequest, shared.Where(s))
		s.Summary(fmt.Sprintf("Pull request #%d was closed without merging: nothing was deployed.", rc.PullRequest))
		return true, nil
	case shared.PRMerged:
		s.Logf("pull request #%d was merged: deploying its deploy request", rc.PullRequest)
	case shared.PRUnsaid:
		s.Logf("%s; the deploy input decides (deploy: %t)", shared.Unsaid(rc), s.Bool("deploy"))
	}
	return false, nil
}

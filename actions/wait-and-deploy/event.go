package waitanddeploy

import (
	"fmt"

	"github.com/psflow/psflow/internal/scope"
	"github.com/psflow/psflow/pkg/step"
)

// closedUnmerged skips a pull request the CI says was closed unmerged, when
// no deploy request is given; it reports whether the step is done.
func closedUnmerged(s *step.Step) (bool, error) {
	if s.Int("number") != 0 {
		return false, nil
	}
	rc, state, err := scope.PullRequestState(s)
	if err != nil {
		return false, err
	}
	switch state {
	case scope.PRClosed:
		s.Noticef("pull request #%d was closed without merging: nothing was deployed to %s", rc.PullRequest, scope.OrgDatabase(s))
		s.Summary(fmt.Sprintf("Pull request #%d was closed without merging: nothing was deployed.", rc.PullRequest))
		return true, nil
	case scope.PRMerged:
		s.Logf("pull request #%d was merged: deploying its deploy request", rc.PullRequest)
	case scope.PREndUnknown:
		s.Logf("%s; the deploy input decides (deploy: %t)", scope.WhyEndUnknown(rc), s.Bool("deploy"))
	}
	return false, nil
}

package deletebranch

import (
	"github.com/psflow/psflow/internal/scope"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

// keepOpen keeps the branch of a pull request the CI says is still open,
// when no branch is given; it reports whether the step is done.
func keepOpen(s *step.Step) (bool, error) {
	rc, state, err := scope.PullRequestState(s)
	if err != nil {
		return false, err
	}
	name := planetscale.PRBranch(rc.PullRequest)
	switch state {
	case scope.PROpen:
		s.Noticef("pull request #%d is open (%s): branch %s of %s is kept; it is deleted once the pull request is merged or closed, or when the branch input names it",
			rc.PullRequest, rc.Event, name, scope.OrgDatabase(s))
		s.Output("deleted", "")
		return true, nil
	case scope.PRMerged, scope.PRClosed:
		s.Logf("pull request #%d was %s: deleting its branch %s", rc.PullRequest, rc.Event, name)
	case scope.PREndUnknown:
		s.Logf("%s; deleting its branch %s as asked", scope.WhyEndUnknown(rc), name)
	}
	return false, nil
}

package scope

import (
	"fmt"

	"github.com/psflow/psflow/pkg/runctx"
	"github.com/psflow/psflow/pkg/step"
)

// PRState is what the run's context says of the pull request whose branch
// an action works on, for the steps that act when a pull request ends.
type PRState int

// The states of PRState.
const (
	PRNone       PRState = iota // the branch input is set, or the run builds no pull request
	PROpen                      // opened, updated, reopened or another event of an open pull request
	PRMerged                    // merged
	PRClosed                    // closed without merging
	PREndUnknown                // the CI does not say what happened to the pull request
)

// PullRequestState reads the run's context when the branch input is
// empty; a branch given explicitly is acted on as asked, whatever the event.
func PullRequestState(s *step.Step) (runctx.Context, PRState, error) {
	if s.String("branch") != "" {
		return runctx.Context{}, PRNone, nil
	}
	rc, err := s.Context()
	if err != nil {
		return rc, PRNone, step.Usagef("%w", err)
	}
	switch {
	case rc.PullRequest <= 0:
		return rc, PRNone, nil
	case rc.Event == runctx.Merged:
		return rc, PRMerged, nil
	case rc.Event == runctx.Closed:
		return rc, PRClosed, nil
	case rc.Event == runctx.Unreported:
		return rc, PREndUnknown, nil
	}
	return rc, PROpen, nil
}

// WhyEndUnknown says plainly that the CI of rc did not tell whether its pull
// request was merged or closed.
func WhyEndUnknown(rc runctx.Context) string {
	if rc.ReportsEnd {
		return fmt.Sprintf("%s reported no event for pull request #%d", rc.CI, rc.PullRequest)
	}
	return fmt.Sprintf("%s does not report whether pull request #%d was merged or closed", rc.CI, rc.PullRequest)
}

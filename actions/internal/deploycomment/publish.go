package deploycomment

import (
	"context"
	"fmt"
	"time"

	"github.com/psflow/psflow/pkg/gh"
	"github.com/psflow/psflow/pkg/prcomment"
	"github.com/psflow/psflow/pkg/runctx"
	"github.com/psflow/psflow/pkg/step"
)

// publishTimeout bounds the GitHub calls of one comment update.
const publishTimeout = 2 * time.Minute

// Publish writes markdown into the step summary and, when the step's
// comment input is on, into the sticky comment of database and branch on
// the run's pull request, on any CI that builds a pull request on GitHub.
// It needs the step's comment, github_token and github_api_url inputs.
// Without a token, outside a pull request or for one that is not on GitHub
// it prints a notice; a comment that cannot be written is a warning. It
// never fails the step.
func Publish(ctx context.Context, s *step.Step, database, branch, markdown string) {
	s.Summary(markdown)
	if !s.Bool("comment") {
		return
	}
	rc, err := s.Context()
	if err != nil {
		s.Warnf("the pull request comment was not written: %v", err)
		return
	}
	target, why := commentTarget(rc, s.String("github_api_url"))
	token := s.String("github_token")
	// For a pull request that is not on GitHub no token would help: the
	// notice below says why instead.
	if token == "" && (why == "" || rc.PullRequest <= 0) {
		s.Noticef("no github_token: the pull request comment was not written (pass github_token: ${{ github.token }} with pull-requests: write)")
		return
	}
	if why != "" {
		s.Noticef("%s: the pull request comment was not written", why)
		return
	}
	client, err := gh.New(s.String("github_api_url"), token)
	if err != nil {
		s.Warnf("the pull request comment was not written: %v", err)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	res, err := prcomment.New(client).Upsert(ctx, target, prcomment.Key(database, branch), markdown)
	if err != nil {
		s.Warnf("the pull request comment was not written: %v", err)
		return
	}
	s.Logf("pull request comment on %s %s: %s", target, res.Action, res.URL)
}

// commentTarget is the pull request of the run, when it lives on the
// GitHub that apiURL serves (github.com, or a GitHub Enterprise Server
// whose API is on the repository's host); else it says why not.
func commentTarget(rc runctx.Context, apiURL string) (prcomment.Target, string) {
	if rc.PullRequest <= 0 {
		return prcomment.Target{}, "not a pull request event"
	}
	if rc.Repository == "" || rc.Host == "" {
		return prcomment.Target{}, fmt.Sprintf("%s does not say which repository pull request #%d is in", rc.CI, rc.PullRequest)
	}
	if !rc.OnGitHub(apiURL) {
		return prcomment.Target{}, fmt.Sprintf("pull request #%d is on %s, not on GitHub", rc.PullRequest, rc.Host)
	}
	owner, repo, err := gh.SplitRepo(rc.Repository)
	if err != nil {
		return prcomment.Target{}, err.Error()
	}
	return prcomment.Target{Owner: owner, Repo: repo, Number: rc.PullRequest}, ""
}

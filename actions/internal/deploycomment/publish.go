package deploycomment

import (
	"context"
	"time"

	"github.com/psflow/psflow/pkg/gh"
	"github.com/psflow/psflow/pkg/prcomment"
	"github.com/psflow/psflow/pkg/step"
)

// publishTimeout bounds the GitHub calls of one comment update.
const publishTimeout = 2 * time.Minute

// Publish writes markdown into the step summary and, when the step's
// comment input is on, into the sticky comment of database and branch on
// the run's pull request. It needs the step's comment, github_token and
// github_api_url inputs. Without a token or outside a pull request event
// it prints a notice; a comment that cannot be written is a warning. It
// never fails the step.
func Publish(ctx context.Context, s *step.Step, database, branch, markdown string) {
	s.Summary(markdown)
	if !s.Bool("comment") {
		return
	}
	token := s.String("github_token")
	if token == "" {
		s.Noticef("no github_token: the pull request comment was not written (pass github_token: ${{ github.token }} with pull-requests: write)")
		return
	}
	ev, err := s.Event()
	if err != nil {
		s.Warnf("the pull request comment was not written: %v", err)
		return
	}
	if ev.PullRequest == nil || ev.PullRequest.Number <= 0 {
		s.Noticef("not a pull request event: the pull request comment was not written")
		return
	}
	owner, repo, err := gh.SplitRepo(ev.Repository)
	if err != nil {
		s.Warnf("the pull request comment was not written: GITHUB_REPOSITORY: %v", err)
		return
	}
	client, err := gh.New(s.String("github_api_url"), token)
	if err != nil {
		s.Warnf("the pull request comment was not written: %v", err)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	target := prcomment.Target{Owner: owner, Repo: repo, Number: ev.PullRequest.Number}
	res, err := prcomment.New(client).Upsert(ctx, target, prcomment.Key(database, branch), markdown)
	if err != nil {
		s.Warnf("the pull request comment was not written: %v", err)
		return
	}
	s.Logf("pull request comment on %s %s: %s", target, res.Action, res.URL)
}

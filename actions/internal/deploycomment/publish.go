package deploycomment

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/go-github/v60/github"
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
	pr, err := pullRequestOf(s)
	var absent *noPullRequest
	switch {
	case errors.As(err, &absent):
		s.Noticef("%s: the pull request comment was not written%s", absent.why, absent.hint)
		return
	case err != nil:
		s.Warnf("the pull request comment was not written: %v", err)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	res, err := prcomment.New(pr.client).Upsert(ctx, pr.target, prcomment.Key(database, branch), markdown)
	if err != nil {
		s.Warnf("the pull request comment was not written: %v", err)
		return
	}
	s.Logf("pull request comment on %s %s: %s", pr.target, res.Action, res.URL)
}

// pullRequest is the run's pull request and a client to reach it.
type pullRequest struct {
	client *github.Client
	target prcomment.Target
}

// noPullRequest says why the run has no pull request to comment on: no
// token, or not a pull request event.
type noPullRequest struct{ why, hint string }

func (e *noPullRequest) Error() string { return e.why }

// pullRequestOf returns the run's pull request from the step's
// github_token and github_api_url inputs and its GitHub event. It is a
// *noPullRequest without a token or outside a pull request event.
func pullRequestOf(s *step.Step) (pullRequest, error) {
	token := s.String("github_token")
	if token == "" {
		return pullRequest{}, &noPullRequest{why: "no github_token", hint: " (pass github_token: ${{ github.token }} with pull-requests: write)"}
	}
	ev, err := s.Event()
	if err != nil {
		return pullRequest{}, err
	}
	if ev.PullRequest == nil || ev.PullRequest.Number <= 0 {
		return pullRequest{}, &noPullRequest{why: "not a pull request event"}
	}
	owner, repo, err := gh.SplitRepo(ev.Repository)
	if err != nil {
		return pullRequest{}, fmt.Errorf("GITHUB_REPOSITORY: %w", err)
	}
	client, err := gh.New(s.String("github_api_url"), token)
	if err != nil {
		return pullRequest{}, err
	}
	return pullRequest{client: client, target: prcomment.Target{Owner: owner, Repo: repo, Number: ev.PullRequest.Number}}, nil
}

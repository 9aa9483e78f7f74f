package deployreport

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
	"github.com/psflow/psflow/pkg/gh"
	"github.com/psflow/psflow/pkg/runctx"
	"github.com/psflow/psflow/pkg/step"
)

// publishTimeout bounds the GitHub calls of one comment update.
const publishTimeout = 2 * time.Minute

// Publish writes markdown into the summary and the sticky comment, and
// returns "" when the comment shows it, else why not; it never fails the step.
func Publish(ctx context.Context, s *step.Step, database, branch, markdown string) string {
	s.Summary(markdown)
	if !s.Bool("comment") {
		return "the comment input is off"
	}
	pr, err := pullRequestOf(ctx, s)
	var absent *noPullRequest
	switch {
	case errors.As(err, &absent):
		s.Noticef("%s: the pull request comment was not written%s", absent.why, absent.hint)
		return absent.why
	case err != nil:
		s.Warnf("the pull request comment was not written: %v", err)
		return "the pull request comment was not written"
	}
	ctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	res, err := gh.NewComments(pr.client).By(pr.author.login).Upsert(ctx, pr.target, gh.DeployRequestKey(database, branch), markdown)
	if err != nil {
		s.Warnf("the pull request comment was not written: %v", err)
		return "the pull request comment was not written"
	}
	s.Logf("pull request comment on %s %s: %s", pr.target, res.Action, res.URL)
	if !strings.EqualFold(res.Author, pr.author.login) {
		s.Warnf("the pull request comment %s is by %s, but psflow counts only comments by %s (%s), so wait-and-deploy does not trust its record; "+
			"set comment_author: %s on open-deploy-request and wait-and-deploy", res.URL, res.Author, pr.author.login, pr.author.how, res.Author)
		return fmt.Sprintf("the pull request comment is by %s, not by %s", res.Author, pr.author.login)
	}
	return ""
}

// pullRequest is the run's pull request, a client to reach it and who
// psflow's comments on it are by.
type pullRequest struct {
	client *github.Client
	target gh.Target
	author identity
}

// noPullRequest says why the run has no pull request to comment on: no
// token, or not a pull request event.
type noPullRequest struct{ why, hint string }

func (e *noPullRequest) Error() string { return e.why }

// pullRequestOf returns the run's pull request and psflow's comment author,
// or a *noPullRequest when there is no token, pull request, or GitHub.
func pullRequestOf(ctx context.Context, s *step.Step) (pullRequest, error) {
	rc, err := s.Context()
	if err != nil {
		return pullRequest{}, err
	}
	target, why := commentTarget(rc, s.String("github_api_url"))
	token := s.String("github_token")
	// For a pull request that is not on GitHub no token would help: the
	// notice says why instead.
	if token == "" && (why == "" || rc.PullRequest <= 0) {
		return pullRequest{}, &noPullRequest{why: "no github_token", hint: " (pass github_token: ${{ github.token }} with pull-requests: write)"}
	}
	if why != "" {
		return pullRequest{}, &noPullRequest{why: why}
	}
	client, err := gh.New(s.String("github_api_url"), token)
	if err != nil {
		return pullRequest{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	author, err := commentAuthor(ctx, s, client)
	if err != nil {
		return pullRequest{}, err
	}
	return pullRequest{client: client, target: target, author: author}, nil
}

// commentTarget is the run's pull request when it lives on the GitHub that
// apiURL serves; else it says why not.
func commentTarget(rc runctx.Context, apiURL string) (gh.Target, string) {
	if rc.PullRequest <= 0 {
		return gh.Target{}, "not a pull request event"
	}
	if rc.Repository == "" || rc.Host == "" {
		return gh.Target{}, fmt.Sprintf("%s does not say which repository pull request #%d is in", rc.CI, rc.PullRequest)
	}
	if !rc.OnGitHub(apiURL) {
		return gh.Target{}, fmt.Sprintf("pull request #%d is on %s, not on GitHub", rc.PullRequest, rc.Host)
	}
	owner, repo, err := gh.SplitRepo(rc.Repository)
	if err != nil {
		return gh.Target{}, err.Error()
	}
	return gh.Target{Owner: owner, Repo: repo, Number: rc.PullRequest}, ""
}

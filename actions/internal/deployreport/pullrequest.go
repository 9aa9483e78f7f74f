package deployreport

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/google/go-github/v60/github"
	"github.com/psflow/psflow/pkg/gh"
	"github.com/psflow/psflow/pkg/runctx"
	"github.com/psflow/psflow/pkg/step"
)

// publishTimeout bounds the GitHub calls of one comment update.
const publishTimeout = 2 * time.Minute

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
		hint := " (set --github-token or PSFLOW_GITHUB_TOKEN to a token that may write pull request comments)"
		if s.GitHub() {
			hint = " (pass github_token: ${{ github.token }} with pull-requests: write)"
		}
		return pullRequest{}, &noPullRequest{why: "no github_token", hint: hint}
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

// ActionsBot is the login GitHub Actions' GITHUB_TOKEN posts as.
const ActionsBot = "github-actions[bot]"

// integrationRefusal is GitHub's 403 message for GET /user with an
// installation token (GITHUB_TOKEN, a GitHub App's).
const integrationRefusal = "Resource not accessible by integration"

// identity is the GitHub login psflow's comments are by, and how it was
// told.
type identity struct {
	login, how string
}

// commentAuthor is the GitHub login psflow's comments are by: comment_author,
// else the token's user, else github-actions[bot] (docs/design/actions-reporting.md).
func commentAuthor(ctx context.Context, s *step.Step, client *github.Client) (identity, error) {
	if login := strings.TrimSpace(s.String("comment_author")); login != "" {
		return identity{login: login, how: "comment_author"}, nil
	}
	authorsMu.Lock()
	defer authorsMu.Unlock()
	if id, ok := authors[s]; ok {
		return id, nil
	}
	id, err := askAuthor(ctx, client)
	if err == nil {
		authors[s] = id
	}
	return id, err
}

// authors are the identities GitHub named, by step.
var (
	authorsMu sync.Mutex
	authors   = map[*step.Step]identity{}
)

// askAuthor asks GitHub who the token is (see commentAuthor).
func askAuthor(ctx context.Context, client *github.Client) (identity, error) {
	u, _, err := client.Users.Get(ctx, "")
	var refused *github.ErrorResponse
	switch {
	case err == nil && u.GetLogin() != "":
		return identity{login: u.GetLogin(), how: "the github_token's user"}, nil
	case errors.As(err, &refused) && refused.Response != nil && refused.Response.StatusCode == http.StatusForbidden &&
		strings.Contains(refused.Message, integrationRefusal):
		return identity{login: ActionsBot, how: "an installation token: GitHub Actions' GITHUB_TOKEN; set comment_author for a GitHub App's"}, nil
	case err == nil:
		err = errors.New("GitHub answered no login")
	}
	return identity{}, fmt.Errorf("could not tell who psflow's comments are by (GET /user: %w); set comment_author", err)
}

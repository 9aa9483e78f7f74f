package deployreport

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/google/go-github/v60/github"
	"github.com/psflow/psflow/pkg/step"
)

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

package deletebranch

import (
	"context"
	"fmt"
	"strconv"

	"github.com/google/go-github/v60/github"
	"github.com/psflow/psflow/pkg/gh"
)

// pullStates answers whether a pull request is closed.
type pullStates struct {
	client      *github.Client
	owner, repo string
}

func newPullStates(apiURL, token, repo string) (*pullStates, error) {
	owner, name, err := gh.SplitRepo(repo)
	if err != nil {
		return nil, err
	}
	c, err := gh.New(apiURL, token)
	if err != nil {
		return nil, err
	}
	return &pullStates{client: c, owner: owner, repo: name}, nil
}

// closed reports whether pull request n (the text after the prefix) is
// closed, and why not when it is not or cannot be told.
func (p *pullStates) closed(ctx context.Context, suffix string) (bool, string) {
	n, ok := number(suffix)
	if !ok {
		return false, "its name does not end in a pull request number"
	}
	pr, _, err := p.client.PullRequests.Get(ctx, p.owner, p.repo, n)
	if err != nil {
		return false, fmt.Sprintf("could not read pull request #%d: %v", n, err)
	}
	if pr.GetState() != "closed" {
		return false, fmt.Sprintf("pull request #%d is %s", n, pr.GetState())
	}
	return true, ""
}

// number parses the PR number of a pr-<n> branch.
func number(suffix string) (int, bool) {
	n, err := strconv.Atoi(suffix)
	return n, err == nil && n > 0
}

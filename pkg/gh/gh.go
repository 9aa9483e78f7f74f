// Package gh is psflow's GitHub client: the REST client its actions share
// and sticky pull request comments, edited in place and never duplicated.
package gh

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/go-github/v60/github"
)

// New returns a go-github client for apiURL (https://api.github.com, or a
// GitHub Enterprise or test server's API URL) authenticated with token.
func New(apiURL, token string) (*github.Client, error) {
	c := github.NewClient(&http.Client{}).WithAuthToken(token)
	if apiURL != "" {
		u, err := url.Parse(strings.TrimSuffix(apiURL, "/") + "/")
		if err != nil || u.Scheme == "" || u.Host == "" {
			return nil, fmt.Errorf("github_api_url %q is not a URL", apiURL)
		}
		c.BaseURL = u
	}
	c.UserAgent = "psflow"
	return c, nil
}

// SplitRepo splits "owner/name".
func SplitRepo(repo string) (owner, name string, err error) {
	owner, name, ok := strings.Cut(repo, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return "", "", fmt.Errorf("repository %q is not owner/name", repo)
	}
	return owner, name, nil
}

package runctx

import "fmt"

// buildkite reads Buildkite's variables (docs/design/step.md); Buildkite builds pull requests
// while they are open and does not say whether one was opened or updated.
func buildkite(env getenv) (Context, error) {
	c := Context{HeadRef: env("BUILDKITE_BRANCH")}
	c.Host, c.Repository = repoURL(env("BUILDKITE_REPO"))
	pr := env("BUILDKITE_PULL_REQUEST")
	if pr == "false" {
		pr = ""
	}
	n, err := firstNumber(named{"BUILDKITE_PULL_REQUEST", pr})
	if err != nil || n == 0 {
		return c, err
	}
	c.PullRequest = n
	c.BaseRef = env("BUILDKITE_PULL_REQUEST_BASE_BRANCH")
	if c.Host == "github.com" && c.Repository != "" {
		c.URL = fmt.Sprintf("https://github.com/%s/pull/%d", c.Repository, n)
	}
	return c, nil
}

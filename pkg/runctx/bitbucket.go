package runctx

import "fmt"

// bitbucket reads Bitbucket Pipelines' default variables (docs/design/step.md); pull request
// pipelines run while the pull request is open, none when it is merged or declined.
func bitbucket(env getenv) (Context, error) {
	c := Context{
		HeadRef:    env("BITBUCKET_BRANCH"),
		Repository: env("BITBUCKET_REPO_FULL_NAME"),
		Host:       hostOf(env("BITBUCKET_GIT_HTTP_ORIGIN"), "bitbucket.org"),
	}
	n, err := firstNumber(named{"BITBUCKET_PR_ID", env("BITBUCKET_PR_ID")})
	if err != nil || n == 0 {
		return c, err
	}
	c.PullRequest = n
	c.BaseRef = env("BITBUCKET_PR_DESTINATION_BRANCH")
	if c.Repository != "" {
		c.URL = fmt.Sprintf("https://%s/%s/pull-requests/%d", c.Host, c.Repository, n)
	}
	return c, nil
}

package runctx

// jenkins reads a Jenkins multibranch pipeline's BRANCH_NAME, and for a
// pull request CHANGE_ID, CHANGE_BRANCH, CHANGE_TARGET, CHANGE_TITLE and
// CHANGE_URL (https://www.jenkins.io/doc/book/pipeline/multibranch/; every
// variable is listed at <jenkins>/env-vars.html), and the Git plugin's
// GIT_URL (https://plugins.jenkins.io/git/#plugin-content-environment-variables).
// Jenkins builds a pull request while it is open and drops its job once it
// is closed; the event is not named.
func jenkins(env getenv) (Context, error) {
	c := Context{HeadRef: env("BRANCH_NAME")}
	c.Host, c.Repository = repoURL(env("GIT_URL"))
	n, err := firstNumber(named{"CHANGE_ID", env("CHANGE_ID")})
	if err != nil || n == 0 {
		return c, err
	}
	c.PullRequest = n
	c.HeadRef, c.BaseRef = env("CHANGE_BRANCH"), env("CHANGE_TARGET")
	c.Title, c.URL = env("CHANGE_TITLE"), env("CHANGE_URL")
	if host, repo := pullRepo(c.URL); repo != "" {
		c.Host, c.Repository = host, repo
	}
	return c, nil
}

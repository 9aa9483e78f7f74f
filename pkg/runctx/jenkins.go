package runctx

// jenkins reads a multibranch pipeline's variables and the Git plugin's GIT_URL
// (docs/design/step.md); a pull request is built while open, and the event is not named.
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

package runctx

// circleCI reads CircleCI's built-in variables (docs/design/step.md); CircleCI builds pushes
// to a pull request's branch and names neither the event nor the base branch.
func circleCI(env getenv) (Context, error) {
	c := Context{HeadRef: env("CIRCLE_BRANCH"), URL: env("CIRCLE_PULL_REQUEST")}
	c.Host, c.Repository = repoURL(env("CIRCLE_REPOSITORY_URL"))
	if user, name := env("CIRCLE_PROJECT_USERNAME"), env("CIRCLE_PROJECT_REPONAME"); user != "" && name != "" {
		c.Repository = user + "/" + name
	}
	var err error
	c.PullRequest, err = firstNumber(
		named{"CIRCLE_PR_NUMBER", env("CIRCLE_PR_NUMBER")},
		named{"CIRCLE_PULL_REQUEST", lastNumber(c.URL)},
	)
	return c, err
}

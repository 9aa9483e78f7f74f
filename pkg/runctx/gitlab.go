package runctx

// gitLab reads GitLab CI/CD's predefined variables (docs/design/step.md); a merge request
// pipeline runs only while it is open, and merged and closed ones are not told apart.
func gitLab(env getenv) (Context, error) {
	c := Context{
		Host:       env("CI_SERVER_HOST"),
		Repository: env("CI_PROJECT_PATH"),
		HeadRef:    env("CI_COMMIT_BRANCH"),
	}
	if env("CI_PIPELINE_SOURCE") == "push" {
		c.Event = Push
	}
	iid := env("CI_MERGE_REQUEST_IID")
	n, err := firstNumber(named{"CI_MERGE_REQUEST_IID", iid})
	if err != nil || n == 0 {
		return c, err
	}
	c.PullRequest, c.Event = n, Unreported
	c.HeadRef = env("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME")
	c.BaseRef = env("CI_MERGE_REQUEST_TARGET_BRANCH_NAME")
	c.Title = env("CI_MERGE_REQUEST_TITLE")
	c.Repository = first(env("CI_MERGE_REQUEST_PROJECT_PATH"), c.Repository)
	if u := env("CI_MERGE_REQUEST_PROJECT_URL"); u != "" {
		c.URL = u + "/-/merge_requests/" + iid
	}
	return c, nil
}

package runctx

// azurePipelines reads Azure Pipelines' predefined variables (docs/design/step.md); pull
// request builds run while the pull request is open, and the event is not named.
func azurePipelines(env getenv) (Context, error) {
	c := Context{
		HeadRef:    branch(env("BUILD_SOURCEBRANCH")),
		Repository: env("BUILD_REPOSITORY_NAME"),
	}
	c.Host, _ = repoURL(env("BUILD_REPOSITORY_URI"))
	if env("BUILD_REPOSITORY_PROVIDER") == "GitHub" {
		c.Host = "github.com"
	}
	switch env("BUILD_REASON") {
	case "IndividualCI", "BatchedCI":
		c.Event = Push
		return c, nil
	case "PullRequest":
	default:
		return c, nil
	}
	n, err := firstNumber(
		named{"SYSTEM_PULLREQUEST_PULLREQUESTNUMBER", env("SYSTEM_PULLREQUEST_PULLREQUESTNUMBER")},
		named{"SYSTEM_PULLREQUEST_PULLREQUESTID", env("SYSTEM_PULLREQUEST_PULLREQUESTID")},
	)
	if err != nil || n == 0 {
		return c, err
	}
	c.PullRequest = n
	c.HeadRef = branch(env("SYSTEM_PULLREQUEST_SOURCEBRANCH"))
	c.BaseRef = branch(env("SYSTEM_PULLREQUEST_TARGETBRANCH"))
	return c, nil
}

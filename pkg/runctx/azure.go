package runctx

// azurePipelines reads Azure Pipelines' predefined variables, which
// scripts see with dots as underscores: BUILD_REASON, BUILD_SOURCEBRANCH,
// BUILD_REPOSITORY_PROVIDER, BUILD_REPOSITORY_NAME, BUILD_REPOSITORY_URI,
// and on a pull request SYSTEM_PULLREQUEST_PULLREQUESTNUMBER (GitHub),
// SYSTEM_PULLREQUEST_PULLREQUESTID (Azure Repos),
// SYSTEM_PULLREQUEST_SOURCEBRANCH and SYSTEM_PULLREQUEST_TARGETBRANCH
// (https://learn.microsoft.com/en-us/azure/devops/pipelines/build/variables).
// Pull request builds run while the pull request is open; the event is
// not named.
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

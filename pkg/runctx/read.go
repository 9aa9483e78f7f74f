package runctx

import (
	"fmt"
	"strings"
)

// ci is one CI psflow knows: how to tell it runs psflow, and how to read it.
type ci struct {
	name   string
	detect func(getenv) bool
	read   func(getenv) (Context, error)
}

// cis are tried in order: GitHub Actions first, as another CI can host its runners (CodeBuild
// does), and last for a shell exporting GitHub's event variables without GITHUB_ACTIONS.
var cis = []ci{
	{GitHubActions, func(env getenv) bool { return env("GITHUB_ACTIONS") == "true" }, gitHub},
	{CodeBuild, func(env getenv) bool { return env("CODEBUILD_BUILD_ID") != "" }, codeBuild},
	{GitLab, func(env getenv) bool { return env("GITLAB_CI") == "true" }, gitLab},
	{Bitbucket, func(env getenv) bool { return env("BITBUCKET_BUILD_NUMBER") != "" }, bitbucket},
	{Buildkite, func(env getenv) bool { return env("BUILDKITE") == "true" }, buildkite},
	{CircleCI, func(env getenv) bool { return env("CIRCLECI") == "true" }, circleCI},
	{AzurePipelines, func(env getenv) bool { return strings.EqualFold(env("TF_BUILD"), "true") }, azurePipelines},
	{Jenkins, func(env getenv) bool { return env("JENKINS_URL") != "" }, jenkins},
	{GitHubActions, func(env getenv) bool {
		return first(env("GITHUB_EVENT_PATH"), env("GITHUB_HEAD_REF"), env("GITHUB_REF_NAME"), env("GITHUB_REPOSITORY")) != ""
	}, gitHub},
}

// Names lists the CIs psflow reads, for messages.
func Names() []string {
	return []string{GitHubActions, CodeBuild, GitLab, Bitbucket, Buildkite, CircleCI, AzurePipelines, Jenkins}
}

// Read recognises the CI from env and reads its context, empty outside any CI. An error means
// a variable the CI sets cannot be read, such as a pull request number that is not a number.
func Read(env func(string) string) (Context, error) {
	for _, c := range cis {
		if !c.detect(env) {
			continue
		}
		ctx, err := c.read(env)
		ctx.CI = c.name
		if err != nil {
			return ctx, fmt.Errorf("%s: %w", c.name, err)
		}
		return ctx, nil
	}
	return Context{}, nil
}

package runctx

import (
	"fmt"
	"strings"
)

// codeBuild reads AWS CodeBuild's webhook variables, or for a build started by hand the source
// version "pr/<number>" (docs/design/step.md lists them and their sources).
func codeBuild(env getenv) (Context, error) {
	c := Context{
		HeadRef:    branch(env("CODEBUILD_WEBHOOK_HEAD_REF")),
		BaseRef:    branch(env("CODEBUILD_WEBHOOK_BASE_REF")),
		Event:      codeBuildEvent(env("CODEBUILD_WEBHOOK_EVENT")),
		ReportsEnd: true,
	}
	c.Host, c.Repository = repoURL(env("CODEBUILD_SOURCE_REPO_URL"))
	kind, rest, _ := strings.Cut(env("CODEBUILD_WEBHOOK_TRIGGER"), "/")
	switch kind {
	case "pr":
		n, err := number("CODEBUILD_WEBHOOK_TRIGGER", rest)
		if err != nil {
			return c, err
		}
		c.PullRequest = n
	case "branch":
		c.HeadRef = first(c.HeadRef, rest)
	case "":
		// A build started by hand (StartBuild with sourceVersion pr/<n>):
		// no webhook variables, only the source version.
		if v, ok := strings.CutPrefix(env("CODEBUILD_SOURCE_VERSION"), "pr/"); ok {
			if n, err := number("CODEBUILD_SOURCE_VERSION", v); err == nil {
				c.PullRequest = n
			}
		}
	}
	if c.PullRequest > 0 && c.Host == "github.com" && c.Repository != "" {
		c.URL = fmt.Sprintf("https://github.com/%s/pull/%d", c.Repository, c.PullRequest)
	}
	return c, nil
}

// codeBuildEvent maps CODEBUILD_WEBHOOK_EVENT to an Event.
func codeBuildEvent(v string) Event {
	switch v {
	case "PULL_REQUEST_CREATED":
		return Opened
	case "PULL_REQUEST_UPDATED":
		return Updated
	case "PULL_REQUEST_REOPENED":
		return Reopened
	case "PULL_REQUEST_MERGED":
		return Merged
	case "PULL_REQUEST_CLOSED":
		return Closed
	case "PUSH":
		return Push
	}
	return Event(strings.ToLower(v))
}

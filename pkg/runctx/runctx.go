// Package runctx reads the context of a CI run once: which CI runs psflow,
// the pull request it builds (number, head and base branch, what happened
// to it) or the branch it builds, and the repository. Each CI's variables
// come from that CI's documentation, which docs/design/step.md names.
// psflow's actions ask this package; no other code reads CI variables.
package runctx

import (
	"fmt"
	"strings"
)

// Event is what happened to the pull request or branch that started the run.
type Event string

// The events psflow tells apart. A CI's own word for any other event is
// kept, lower case (GitHub's "ready_for_review", for example).
const (
	Unreported Event = ""         // the CI does not say
	Opened     Event = "opened"   // the pull request was opened
	Updated    Event = "updated"  // commits were pushed to the pull request
	Reopened   Event = "reopened" // the pull request was reopened
	Merged     Event = "merged"   // the pull request was merged
	Closed     Event = "closed"   // the pull request was closed without merging
	Push       Event = "push"     // commits were pushed to a branch
)

// Context is what the CI says about the run.
type Context struct {
	CI          string // the CI's name, e.g. "AWS CodeBuild"; empty when none was recognised
	PullRequest int    // the pull (or merge) request's number; 0 when the run builds none
	HeadRef     string // the branch built: the pull request's source branch, or the branch pushed
	BaseRef     string // the branch the pull request merges into
	Event       Event  // what started the run
	Title       string // the pull request's title, when the CI gives it
	URL         string // the pull request's page, when known
	Repository  string // owner/name of the repository (a GitLab project's path)
	Host        string // the repository's host: github.com, gitlab.com, bitbucket.org, …
	ReportsEnd  bool   // the CI runs when a pull request is merged or closed, and says which
	// Withheld says why the CI gives this run none of the repository's secrets ("pull
	// request #7 comes from the fork alice/app"); empty when it gives them.
	Withheld string
}

// getenv reads one variable of the run's environment.
type getenv = func(string) string

// The names of the CIs psflow reads.
const (
	GitHubActions  = "GitHub Actions"
	CodeBuild      = "AWS CodeBuild"
	GitLab         = "GitLab CI"
	Bitbucket      = "Bitbucket Pipelines"
	Buildkite      = "Buildkite"
	CircleCI       = "CircleCI"
	AzurePipelines = "Azure Pipelines"
	Jenkins        = "Jenkins"
)

// OnGitHub reports whether the repository is on github.com, or on the
// GitHub Enterprise Server whose API is apiURL.
func (c Context) OnGitHub(apiURL string) bool {
	if c.Repository == "" || c.Host == "" {
		return false
	}
	return c.Host == "github.com" || hostOf(apiURL, "") == c.Host
}

// String says in one line what the context holds, for the log.
func (c Context) String() string {
	if c.CI == "" {
		return "no CI recognised"
	}
	var b strings.Builder
	b.WriteString(c.CI)
	switch {
	case c.PullRequest > 0:
		kind := "pull request"
		if c.CI == GitLab {
			kind = "merge request" // GitLab's name for it
		}
		fmt.Fprintf(&b, ": %s #%d", kind, c.PullRequest)
		if c.Event != Unreported {
			fmt.Fprintf(&b, " (%s)", c.Event)
		} else {
			b.WriteString(" (event not reported)")
		}
		if c.HeadRef != "" {
			fmt.Fprintf(&b, " from %s", c.HeadRef)
		}
		if c.BaseRef != "" {
			fmt.Fprintf(&b, " into %s", c.BaseRef)
		}
	case c.HeadRef != "":
		fmt.Fprintf(&b, ": branch %s", c.HeadRef)
		if c.Event != Unreported {
			fmt.Fprintf(&b, " (%s)", c.Event)
		}
	default:
		b.WriteString(": no pull request or branch")
	}
	if c.Repository != "" {
		fmt.Fprintf(&b, ", repository %s", strings.TrimPrefix(c.Host+"/"+c.Repository, "/"))
	}
	return b.String()
}

package runctx

import (
	"encoding/json"
	"fmt"
	"os"
)

// gitHub reads GitHub Actions' default variables and, from the webhook payload at
// GITHUB_EVENT_PATH, the pull_request event's fields (docs/design/step.md).
func gitHub(env getenv) (Context, error) {
	c := Context{
		Repository: env("GITHUB_REPOSITORY"),
		Host:       hostOf(env("GITHUB_SERVER_URL"), "github.com"),
		HeadRef:    branch(first(env("GITHUB_HEAD_REF"), env("GITHUB_REF_NAME"))),
		BaseRef:    branch(env("GITHUB_BASE_REF")),
		ReportsEnd: true,
	}
	if env("GITHUB_EVENT_NAME") == "push" {
		c.Event = Push
	}
	path := env("GITHUB_EVENT_PATH")
	if path == "" {
		return c, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return c, fmt.Errorf("read the event payload: %w", err)
	}
	var payload struct {
		Action      string `json:"action"`
		Number      int    `json:"number"`
		PullRequest *struct {
			Number  int    `json:"number"`
			Title   string `json:"title"`
			HTMLURL string `json:"html_url"`
			Merged  bool   `json:"merged"`
			Head    struct {
				Ref  string  `json:"ref"`
				Repo *ghRepo `json:"repo"`
			} `json:"head"`
			Base struct {
				Ref  string  `json:"ref"`
				Repo *ghRepo `json:"repo"`
			} `json:"base"`
		} `json:"pull_request"`
	}
	if err := json.Unmarshal(data, &payload); err != nil {
		return c, fmt.Errorf("parse the event payload %s: %w", path, err)
	}
	pr := payload.PullRequest
	if pr == nil {
		return c, nil
	}
	c.PullRequest = pr.Number
	if c.PullRequest == 0 {
		c.PullRequest = payload.Number
	}
	c.Title, c.URL = pr.Title, pr.HTMLURL
	c.HeadRef = first(branch(pr.Head.Ref), c.HeadRef)
	c.BaseRef = first(branch(pr.Base.Ref), c.BaseRef)
	c.Event = gitHubAction(payload.Action, pr.Merged)
	if env("GITHUB_EVENT_NAME") == "pull_request" {
		c.Withheld = withheld(c.PullRequest, env("GITHUB_ACTOR"), pr.Head.Repo, pr.Base.Repo)
	}
	return c, nil
}

// ghRepo is a repository of a pull_request payload.
type ghRepo struct {
	FullName string `json:"full_name"`
}

// withheld says why GitHub runs a pull_request event's workflow without the repository's
// Actions secrets: the pull request is a fork's or Dependabot's (docs/design/step.md).
func withheld(number int, actor string, head, base *ghRepo) string {
	switch {
	case head != nil && base != nil && head.FullName != "" && head.FullName != base.FullName:
		return fmt.Sprintf("pull request #%d comes from the fork %s", number, head.FullName)
	case actor == "dependabot[bot]":
		return fmt.Sprintf("pull request #%d is Dependabot's, whose runs get Dependabot secrets only", number)
	}
	return ""
}

// gitHubAction maps a pull_request event's activity type to an Event.
func gitHubAction(action string, merged bool) Event {
	switch action {
	case "opened":
		return Opened
	case "synchronize":
		return Updated
	case "reopened":
		return Reopened
	case "closed":
		if merged {
			return Merged
		}
		return Closed
	}
	return Event(action)
}

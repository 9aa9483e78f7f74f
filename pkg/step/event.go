package step

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// PullRequest is what psflow needs from a pull-request event.
type PullRequest struct {
	Number  int    `json:"number"`
	Title   string `json:"title"`
	HTMLURL string `json:"html_url"`
	Merged  bool   `json:"merged"`
	State   string `json:"state"`
	Head    struct {
		Ref string `json:"ref"`
	} `json:"head"`
	Base struct {
		Ref string `json:"ref"`
	} `json:"base"`
}

// Event is the GitHub context of the run, empty outside GitHub.
type Event struct {
	Repository  string       // owner/name, from GITHUB_REPOSITORY
	Ref         string       // the head ref of a PR, else the ref name
	Action      string       // the event's activity type, e.g. "closed"
	PullRequest *PullRequest // nil unless the event is about a pull request
}

// Event reads GITHUB_EVENT_PATH and the GITHUB_* variables. Outside GitHub
// it returns an empty Event and no error.
func (s *Step) Event() (Event, error) {
	ev := Event{
		Repository: s.Getenv("GITHUB_REPOSITORY"),
		Ref:        firstNonEmpty(s.Getenv("GITHUB_HEAD_REF"), s.Getenv("GITHUB_REF_NAME")),
	}
	path := s.Getenv("GITHUB_EVENT_PATH")
	if path == "" {
		return ev, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return ev, fmt.Errorf("read the GitHub event: %w", err)
	}
	var payload struct {
		Action      string       `json:"action"`
		Number      int          `json:"number"`
		PullRequest *PullRequest `json:"pull_request"`
	}
	if err := json.Unmarshal(data, &payload); err != nil {
		return ev, fmt.Errorf("parse the GitHub event %s: %w", path, err)
	}
	ev.Action, ev.PullRequest = payload.Action, payload.PullRequest
	if pr := ev.PullRequest; pr != nil {
		if pr.Number == 0 {
			pr.Number = payload.Number
		}
		if pr.Head.Ref != "" {
			ev.Ref = pr.Head.Ref
		}
	}
	ev.Ref = strings.TrimPrefix(ev.Ref, "refs/heads/")
	return ev, nil
}

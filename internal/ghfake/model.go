package ghfake

import (
	"strings"
	"time"
)

// User is a GitHub account as the fake shows it in comments and GET /user.
type User struct {
	Login string `json:"login"`
	ID    int64  `json:"id"`
	Type  string `json:"type"` // "User" or "Bot"
}

// issueKey names an issue or pull request; owner and repo are lowercased
// because GitHub matches them case-insensitively.
type issueKey struct {
	owner, repo string
	number      int
}

func newIssueKey(owner, repo string, number int) issueKey {
	return issueKey{strings.ToLower(owner), strings.ToLower(repo), number}
}

// pull is a pull request the fake knows.
type pull struct {
	owner, repo string // as spelled by AddPull
	number      int
	id          int64
	state       string
	merged      bool
	created     time.Time
}

// comment is an issue comment the fake keeps.
type comment struct {
	issue   issueKey
	id      int64
	body    string
	user    User
	created time.Time
	updated time.Time
}

// fault makes the next request matching method and a path prefix fail.
type fault struct {
	method, prefix string
	status         int
}

package ghfake

import (
	"fmt"
	"hash/fnv"
	"strings"
	"time"
)

// Comment is an issue comment as the fake holds it.
type Comment struct {
	ID        int64
	Body      string
	Author    string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// AddPull registers pull request number in owner/repo, "open" or "closed" (merged requires
// "closed"); as on GitHub, comments exist only on registered numbers.
func (s *Server) AddPull(owner, repo string, number int, state string, merged bool) {
	s.t.Helper()
	if number <= 0 || (state != "open" && state != "closed") || (merged && state != "closed") {
		s.t.Fatalf("ghfake: AddPull(%q, %q, %d, %q, %v): need number > 0, state open|closed, merged only when closed",
			owner, repo, number, state, merged)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addPullLocked(owner, repo, number, state, merged)
}

func (s *Server) addPullLocked(owner, repo string, number int, state string, merged bool) {
	s.pulls[newIssueKey(owner, repo, number)] = &pull{
		owner: owner, repo: repo, number: number,
		id:      1000000000 + int64(number),
		state:   state,
		merged:  merged,
		created: s.tick(),
	}
}

// SeedComments adds n comments by author to the pull request (registering
// it as open if it is unknown), bodies "seed comment 1" … "seed comment n".
func (s *Server) SeedComments(owner, repo string, number, n int, author string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := newIssueKey(owner, repo, number)
	if s.pulls[k] == nil {
		s.addPullLocked(owner, repo, number, "open", false)
	}
	u := userNamed(author)
	for i := 1; i <= n; i++ {
		s.addCommentLocked(k, fmt.Sprintf("seed comment %d", i), u)
	}
}

// AddComment adds a comment by login ("Bot" if it ends in "[bot]", else "User") to the pull
// request, registering it as open if unknown, as if someone else posted it; it returns its id.
func (s *Server) AddComment(owner, repo string, number int, login, body string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := newIssueKey(owner, repo, number)
	if s.pulls[k] == nil {
		s.addPullLocked(owner, repo, number, "open", false)
	}
	return s.addCommentLocked(k, body, userNamed(login)).id
}

// EditCommentBody replaces the body of comment id, as its author may at
// any time, without a request through the API.
func (s *Server) EditCommentBody(id int64, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.comments {
		if c.id == id {
			c.body, c.updated = body, s.tick()
			return
		}
	}
	s.t.Errorf("ghfake: EditCommentBody: no comment %d", id)
}

// userNamed is the account of login, with a stable id.
func userNamed(login string) User {
	h := fnv.New32a()
	_, _ = h.Write([]byte(login))
	u := User{Login: login, ID: 5000000 + int64(h.Sum32()%1000000), Type: "User"}
	if strings.HasSuffix(login, "[bot]") {
		u.Type = "Bot"
	}
	return u
}

// Comments returns the comments on the pull request, oldest first.
func (s *Server) Comments(owner, repo string, number int) []Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := newIssueKey(owner, repo, number)
	var out []Comment
	for _, c := range s.comments {
		if c.issue == k {
			out = append(out, Comment{ID: c.id, Body: c.body, Author: c.user.Login, CreatedAt: c.created, UpdatedAt: c.updated})
		}
	}
	return out
}

// addCommentLocked appends a comment; s.mu is held.
func (s *Server) addCommentLocked(k issueKey, body string, u User) *comment {
	now := s.tick()
	c := &comment{issue: k, id: s.nextID, body: body, user: u, created: now, updated: now}
	s.nextID++
	s.comments = append(s.comments, c)
	return c
}

// issueComments returns the comments on k in ascending id order; s.mu is held.
func (s *Server) issueComments(k issueKey) []*comment {
	var out []*comment
	for _, c := range s.comments {
		if c.issue == k {
			out = append(out, c)
		}
	}
	return out
}

// findComment returns the comment id in owner/repo; s.mu is held.
func (s *Server) findComment(owner, repo string, id int64) *comment {
	o, r := strings.ToLower(owner), strings.ToLower(repo)
	for _, c := range s.comments {
		if c.id == id && c.issue.owner == o && c.issue.repo == r {
			return c
		}
	}
	return nil
}

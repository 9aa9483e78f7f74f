package ghfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// pullJSON is the subset of GitHub's pull request document the fake serves.
type pullJSON struct {
	URL       string     `json:"url"`
	ID        int64      `json:"id"`
	NodeID    string     `json:"node_id"`
	HTMLURL   string     `json:"html_url"`
	IssueURL  string     `json:"issue_url"`
	Number    int        `json:"number"`
	State     string     `json:"state"`
	Locked    bool       `json:"locked"`
	Title     string     `json:"title"`
	User      userJSON   `json:"user"`
	CreatedAt string     `json:"created_at"`
	UpdatedAt string     `json:"updated_at"`
	ClosedAt  *string    `json:"closed_at"`
	MergedAt  *string    `json:"merged_at"`
	Merged    bool       `json:"merged"`
	Draft     bool       `json:"draft"`
	Head      refJSON    `json:"head"`
	Base      refJSON    `json:"base"`
	Comments  int        `json:"comments"`
	Labels    []struct{} `json:"labels"`
}

// refJSON is a pull request's head or base.
type refJSON struct {
	Label string `json:"label"`
	Ref   string `json:"ref"`
	SHA   string `json:"sha"`
}

// userJSON is GitHub's simple user document.
type userJSON struct {
	Login     string `json:"login"`
	ID        int64  `json:"id"`
	NodeID    string `json:"node_id"`
	HTMLURL   string `json:"html_url"`
	Type      string `json:"type"`
	SiteAdmin bool   `json:"site_admin"`
}

// commentJSON is GitHub's issue comment document.
type commentJSON struct {
	URL                   string    `json:"url"`
	HTMLURL               string    `json:"html_url"`
	IssueURL              string    `json:"issue_url"`
	ID                    int64     `json:"id"`
	NodeID                string    `json:"node_id"`
	User                  userJSON  `json:"user"`
	CreatedAt             string    `json:"created_at"`
	UpdatedAt             string    `json:"updated_at"`
	AuthorAssociation     string    `json:"author_association"`
	Body                  string    `json:"body"`
	PerformedViaGitHubApp *struct{} `json:"performed_via_github_app"`
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func (u User) json() userJSON {
	v := userJSON{Login: u.Login, ID: u.ID, NodeID: fmt.Sprintf("U_kgDO%08d", u.ID),
		HTMLURL: "https://github.com/" + u.Login, Type: u.Type}
	if app, ok := strings.CutSuffix(u.Login, "[bot]"); ok && u.Type == "Bot" {
		v.NodeID = fmt.Sprintf("BOT_kgDO%08d", u.ID)
		v.HTMLURL = "https://github.com/apps/" + app
	}
	return v
}

// commentView renders c; s.mu is held.
func (s *Server) commentView(c *comment) commentJSON {
	p := s.pulls[c.issue]
	repoAPI := fmt.Sprintf("%srepos/%s/%s", s.URL(), p.owner, p.repo)
	return commentJSON{
		URL:               fmt.Sprintf("%s/issues/comments/%d", repoAPI, c.id),
		HTMLURL:           fmt.Sprintf("https://github.com/%s/%s/pull/%d#issuecomment-%d", p.owner, p.repo, p.number, c.id),
		IssueURL:          fmt.Sprintf("%s/issues/%d", repoAPI, p.number),
		ID:                c.id,
		NodeID:            fmt.Sprintf("IC_kwDOFake%010d", c.id),
		User:              c.user.json(),
		CreatedAt:         stamp(c.created),
		UpdatedAt:         stamp(c.updated),
		AuthorAssociation: "NONE",
		Body:              c.body,
	}
}

// lookupPull finds the request's {owner}/{repo}/{number}; s.mu is held.
func (s *Server) lookupPull(r *http.Request) *pull {
	n, err := strconv.Atoi(r.PathValue("number"))
	if err != nil {
		return nil
	}
	return s.pulls[newIssueKey(r.PathValue("owner"), r.PathValue("repo"), n)]
}

// onPull adapts a handler of an existing pull request: it holds s.mu and
// answers 404 when the request's pull request is unknown.
func (s *Server) onPull(h func(w http.ResponseWriter, r *http.Request, p *pull)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		p := s.lookupPull(r)
		if p == nil {
			writeError(w, http.StatusNotFound, "Not Found")
			return
		}
		h(w, r, p)
	}
}

func (s *Server) getPull(w http.ResponseWriter, _ *http.Request, p *pull) {
	repoAPI := fmt.Sprintf("%srepos/%s/%s", s.URL(), p.owner, p.repo)
	v := pullJSON{
		URL:       fmt.Sprintf("%s/pulls/%d", repoAPI, p.number),
		ID:        p.id,
		NodeID:    fmt.Sprintf("PR_kwDOFake%010d", p.id),
		HTMLURL:   fmt.Sprintf("https://github.com/%s/%s/pull/%d", p.owner, p.repo, p.number),
		IssueURL:  fmt.Sprintf("%s/issues/%d", repoAPI, p.number),
		Number:    p.number,
		State:     p.state,
		Title:     fmt.Sprintf("Pull request %d", p.number),
		User:      User{Login: "octocat", ID: 583231, Type: "User"}.json(),
		CreatedAt: stamp(p.created),
		UpdatedAt: stamp(p.created),
		Merged:    p.merged,
		Head:      refJSON{Label: p.owner + ":pr-" + strconv.Itoa(p.number), Ref: "pr-" + strconv.Itoa(p.number), SHA: fmt.Sprintf("%040x", p.id)},
		Base:      refJSON{Label: p.owner + ":main", Ref: "main", SHA: fmt.Sprintf("%040x", p.id-1)},
		Comments:  len(s.issueComments(newIssueKey(p.owner, p.repo, p.number))),
		Labels:    []struct{}{},
	}
	if p.state == "closed" {
		closed := stamp(p.created)
		v.ClosedAt = &closed
		if p.merged {
			v.MergedAt = &closed
		}
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) listComments(w http.ResponseWriter, r *http.Request, p *pull) {
	all := s.issueComments(newIssueKey(p.owner, p.repo, p.number))
	pg := parsePage(r.URL.Query())
	from, to := pg.bounds(len(all))
	out := make([]commentJSON, 0, to-from)
	for _, c := range all[from:to] {
		out = append(out, s.commentView(c))
	}
	if link := pg.link(s.srv.URL+r.URL.Path, r.URL.Query(), len(all)); link != "" {
		w.Header().Set("Link", link)
	}
	writeJSON(w, http.StatusOK, out)
}

// requestBody returns the validated request's "body" field.
func requestBody(r *http.Request) string {
	var in struct {
		Body string `json:"body"`
	}
	_ = json.NewDecoder(r.Body).Decode(&in)
	return in.Body
}

func (s *Server) createComment(w http.ResponseWriter, r *http.Request, p *pull) {
	c := s.addCommentLocked(newIssueKey(p.owner, p.repo, p.number), requestBody(r), s.user)
	v := s.commentView(c)
	w.Header().Set("Location", v.URL)
	writeJSON(w, http.StatusCreated, v)
}

func (s *Server) editComment(w http.ResponseWriter, r *http.Request) {
	body := requestBody(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	var c *comment
	if err == nil {
		c = s.findComment(r.PathValue("owner"), r.PathValue("repo"), id)
	}
	if c == nil {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	c.body = body
	c.updated = s.tick()
	writeJSON(w, http.StatusOK, s.commentView(c))
}

// getUserDocs is the documentation_url of GET /user's errors.
const getUserDocs = "https://docs.github.com/rest/users/users#get-the-authenticated-user"

// getUser answers the token's user; like GitHub, it refuses an installation token 403 "Resource
// not accessible by integration" (github.com/actions/create-github-app-token/issues/258).
func (s *Server) getUser(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.user.Type == "Bot" {
		writeJSON(w, http.StatusForbidden, apiError{Message: "Resource not accessible by integration", DocumentationURL: getUserDocs, Status: "403"})
		return
	}
	writeJSON(w, http.StatusOK, s.user.json())
}

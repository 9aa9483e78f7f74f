package gh

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/go-github/v60/github"
)

// Actions Upsert reports.
const (
	Created   = "created"
	Updated   = "updated"
	Unchanged = "unchanged"
)

// perPage is the page size used to look for an existing comment (GitHub's
// maximum).
const perPage = 100

// ErrInvalid is returned, wrapped, for a target or key Upsert cannot use.
var ErrInvalid = errors.New("invalid sticky comment request")

// Target is the pull request a comment belongs to.
type Target struct {
	Owner, Repo string
	Number      int
}

// String returns "owner/repo#number".
func (t Target) String() string { return fmt.Sprintf("%s/%s#%d", t.Owner, t.Repo, t.Number) }

// UpsertResult says what Upsert did and which comment holds the content.
type UpsertResult struct {
	// Action is Created, Updated or Unchanged.
	Action string
	// ID and URL are the comment's id and html_url.
	ID  int64
	URL string
	// Author is the login of the comment's author, as GitHub answered:
	// who the token posts as.
	Author string
}

// Comments keeps one "sticky" comment per key on a pull request: created
// the first time, edited in place when its content changes.
type Comments struct {
	api    *github.Client
	author string // only comments by this login count; "" for any
}

// NewComments returns Comments that post through api (see New).
func NewComments(api *github.Client) *Comments { return &Comments{api: api} }

// By returns a copy of c for which only comments by login (who its token posts as) are sticky
// comments; one by anyone else is neither edited nor counted. Logins match whatever their case.
func (c *Comments) By(login string) *Comments {
	cp := *c
	cp.author = login
	return &cp
}

// IsBy reports whether ic was written by login, whatever the case.
func IsBy(ic *github.IssueComment, login string) bool {
	return strings.EqualFold(ic.GetUser().GetLogin(), login)
}

// Upsert creates or updates the one comment for key on the pull request, with a hidden marker
// and digest, edited only when the content changes, never duplicated (docs/design/github.md).
func (c *Comments) Upsert(ctx context.Context, t Target, key, markdown string) (UpsertResult, error) {
	if t.Owner == "" || t.Repo == "" || t.Number <= 0 || key == "" {
		return UpsertResult{}, fmt.Errorf("sticky comment %q on %s: %w", key, t, ErrInvalid)
	}
	body := render(key, markdown)
	want, _ := parse(key, body)

	existing, err := c.find(ctx, t, key)
	if err != nil {
		return UpsertResult{}, err
	}
	if existing == nil {
		made, _, err := c.api.Issues.CreateComment(ctx, t.Owner, t.Repo, t.Number, &github.IssueComment{Body: &body})
		if err != nil {
			return UpsertResult{}, fmt.Errorf("create comment on %s: %w", t, err)
		}
		return UpsertResult{Action: Created, ID: made.GetID(), URL: made.GetHTMLURL(), Author: made.GetUser().GetLogin()}, nil
	}
	if p, _ := parse(key, existing.GetBody()); p.current(want.digest) {
		return UpsertResult{Action: Unchanged, ID: existing.GetID(), URL: existing.GetHTMLURL(), Author: existing.GetUser().GetLogin()}, nil
	}
	edited, _, err := c.api.Issues.EditComment(ctx, t.Owner, t.Repo, existing.GetID(), &github.IssueComment{Body: &body})
	if err != nil {
		return UpsertResult{}, fmt.Errorf("edit comment %d on %s: %w", existing.GetID(), t, err)
	}
	return UpsertResult{Action: Updated, ID: edited.GetID(), URL: edited.GetHTMLURL(), Author: edited.GetUser().GetLogin()}, nil
}

// find returns the oldest comment whose first line is key's marker, by
// the author when one is set, or nil.
func (c *Comments) find(ctx context.Context, t Target, key string) (*github.IssueComment, error) {
	return c.First(ctx, t, func(ic *github.IssueComment) bool {
		_, ok := parse(key, ic.GetBody())
		return ok && (c.author == "" || IsBy(ic, c.author))
	})
}

// First returns the oldest comment of the pull request that match accepts, or nil, reading
// its comments page by page up to the first match (docs/design/github.md).
func (c *Comments) First(ctx context.Context, t Target, match func(*github.IssueComment) bool) (*github.IssueComment, error) {
	opts := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: perPage, Page: 1}}
	for {
		page, resp, err := c.api.Issues.ListComments(ctx, t.Owner, t.Repo, t.Number, opts)
		if err != nil {
			return nil, fmt.Errorf("list comments on %s (page %d): %w", t, opts.Page, err)
		}
		for _, ic := range page {
			if match(ic) {
				return ic, nil
			}
		}
		if resp.NextPage <= opts.Page {
			return nil, nil
		}
		opts.Page = resp.NextPage
	}
}

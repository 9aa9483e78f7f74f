package planetscale

import (
	"context"
	"fmt"
	"net/url"

	ps "github.com/planetscale/planetscale-go/planetscale"
)

// Review is a review of a deploy request: a comment or an approval.
type Review = ps.DeployRequestReview

// ListReviews returns every review of deploy request n, all pages. The
// SDK has no call for it (spec: GET
// /organizations/{organization}/databases/{database}/deploy-requests/{number}/reviews,
// page and per_page).
func (c *Client) ListReviews(ctx context.Context, db string, n uint64) ([]*Review, error) {
	path := fmt.Sprintf("organizations/%s/databases/%s/deploy-requests/%d/reviews", url.PathEscape(c.org), url.PathEscape(db), n)
	return listAll[*Review](ctx, c, c.drOp("list the reviews of", db, n), path)
}

// CommentOnDeployRequest posts a review of state "commented" with body on
// deploy request n; it approves nothing. It is sent once: after an
// ambiguous failure the caller lists the reviews before trying again.
func (c *Client) CommentOnDeployRequest(ctx context.Context, db string, n uint64, body string) (*Review, error) {
	return call(ctx, c.drOp("comment on", db, n), func(ctx context.Context) (*Review, error) {
		return c.api.DeployRequests.CreateReview(ctx, &ps.ReviewDeployRequestRequest{
			Organization: c.org, Database: db, Number: n, CommentText: body, ReviewAction: ps.ReviewComment,
		})
	})
}

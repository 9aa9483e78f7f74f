package planetscale

import (
	"context"
	"fmt"
	"net/url"

	ps "github.com/planetscale/planetscale-go/planetscale"
)

// Review is a review of a deploy request: a comment or an approval.
type Review = ps.DeployRequestReview

// ListReviews returns every review of deploy request n, all pages, which the SDK has no
// call for (spec: GET …/deploy-requests/{number}/reviews, page and per_page).
func (c *Client) ListReviews(ctx context.Context, db string, n uint64) ([]*Review, error) {
	path := fmt.Sprintf("organizations/%s/databases/%s/deploy-requests/%d/reviews", url.PathEscape(c.org), url.PathEscape(db), n)
	return listAll[*Review](ctx, c, c.drOp("list the reviews of", db, n), path)
}

// CommentOnDeployRequest posts body on deploy request n as a "commented" review, which
// approves nothing. It is sent once: after an ambiguous failure the caller lists the reviews.
func (c *Client) CommentOnDeployRequest(ctx context.Context, db string, n uint64, body string) (*Review, error) {
	return call(ctx, c.drOp("comment on", db, n), func(ctx context.Context) (*Review, error) {
		return c.api.DeployRequests.CreateReview(ctx, &ps.ReviewDeployRequestRequest{
			Organization: c.org, Database: db, Number: n, CommentText: body, ReviewAction: ps.ReviewComment,
		})
	})
}

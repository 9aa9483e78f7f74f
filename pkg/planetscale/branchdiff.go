package planetscale

import (
	"context"
	"fmt"

	ps "github.com/planetscale/planetscale-go/planetscale"
)

// BranchDiff returns the schema changes of a branch, one file per table
// or view: what a deploy request opened from it now would carry. It is
// GET /organizations/{organization}/databases/{database}/branches/{branch}/diff,
// which the SDK (DatabaseBranches.Diff) and `pscale branch diff` call; the
// public spec does not list it. An empty answer means the branch has no
// changes of its own: none since it was created, or since a deploy
// request deployed them.
func (c *Client) BranchDiff(ctx context.Context, db, branch string) ([]*SchemaFile, error) {
	return call(ctx, fmt.Sprintf("get the diff of branch %s of %s/%s", branch, c.org, db), func(ctx context.Context) ([]*SchemaFile, error) {
		return c.api.DatabaseBranches.Diff(ctx, &ps.DiffBranchRequest{Organization: c.org, Database: db, Branch: branch})
	})
}

package planetscale

import (
	"context"
	"fmt"

	ps "github.com/planetscale/planetscale-go/planetscale"
)

// BranchDiff returns a branch's schema changes, one file per table or view, as a deploy
// request opened now would carry them; empty when it has none (docs/design/client.md).
func (c *Client) BranchDiff(ctx context.Context, db, branch string) ([]*SchemaFile, error) {
	return call(ctx, fmt.Sprintf("get the diff of branch %s of %s/%s", branch, c.org, db), func(ctx context.Context) ([]*SchemaFile, error) {
		return c.api.DatabaseBranches.Diff(ctx, &ps.DiffBranchRequest{Organization: c.org, Database: db, Branch: branch})
	})
}

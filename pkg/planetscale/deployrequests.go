package planetscale

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	ps "github.com/planetscale/planetscale-go/planetscale"
)

// DeployRequest is a deploy request as the API returns it.
type DeployRequest = ps.DeployRequest

// DeployFilter narrows ListDeployRequests; empty fields match all.
type DeployFilter struct {
	State      string // "open" or "closed"
	Branch     string
	IntoBranch string
}

// ListDeployRequests lists the deploy requests of a database.
func (c *Client) ListDeployRequests(ctx context.Context, db string, f DeployFilter) ([]*DeployRequest, error) {
	return call(ctx, fmt.Sprintf("list deploy requests of %s/%s", c.org, db), func(ctx context.Context) ([]*DeployRequest, error) {
		return c.api.DeployRequests.List(ctx, &ps.ListDeployRequestsRequest{
			Organization: c.org, Database: db, State: f.State, Branch: f.Branch, IntoBranch: f.IntoBranch,
		})
	})
}

// GetDeployRequest returns one deploy request.
func (c *Client) GetDeployRequest(ctx context.Context, db string, n uint64) (*DeployRequest, error) {
	return call(ctx, c.drOp("get", db, n), func(ctx context.Context) (*DeployRequest, error) {
		return c.api.DeployRequests.Get(ctx, &ps.GetDeployRequestRequest{Organization: c.org, Database: db, Number: n})
	})
}

// CreateDeploy is what a new deploy request is made from. AutoCutover and AutoDeleteBranch
// are always sent, false too (docs/design/client.md).
type CreateDeploy struct {
	Branch           string `json:"branch"`
	Into             string `json:"into_branch"`
	Notes            string `json:"notes"`
	AutoCutover      bool   `json:"auto_cutover"`
	AutoDeleteBranch bool   `json:"auto_delete_branch"`
}

// CreateDeployRequest opens a deploy request. It is sent once: after an ambiguous failure
// the caller lists open requests before trying again.
func (c *Client) CreateDeployRequest(ctx context.Context, db string, d CreateDeploy) (*DeployRequest, error) {
	op := fmt.Sprintf("open a deploy request from %s into %s of %s/%s", d.Branch, d.Into, c.org, db)
	return call(ctx, op, func(ctx context.Context) (*DeployRequest, error) {
		var dr DeployRequest
		err := c.sendJSON(ctx, http.MethodPost, "organizations/"+url.PathEscape(c.org)+"/databases/"+url.PathEscape(db)+"/deploy-requests", d, &dr)
		return &dr, err
	})
}

// Deploy queues a ready deploy request.
func (c *Client) Deploy(ctx context.Context, db string, n uint64) (*DeployRequest, error) {
	return call(ctx, c.drOp("deploy", db, n), func(ctx context.Context) (*DeployRequest, error) {
		return c.api.DeployRequests.Deploy(ctx, &ps.PerformDeployRequest{Organization: c.org, Database: db, Number: n})
	})
}

// ApplyDeploy cuts over a deploy waiting in pending_cutover.
func (c *Client) ApplyDeploy(ctx context.Context, db string, n uint64) (*DeployRequest, error) {
	return call(ctx, c.drOp("apply the cutover of", db, n), func(ctx context.Context) (*DeployRequest, error) {
		return c.api.DeployRequests.ApplyDeploy(ctx, &ps.ApplyDeployRequestRequest{Organization: c.org, Database: db, Number: n})
	})
}

// CompleteErroredDeploy unblocks the deploy queue that a failed deploy or revert of request
// n holds (spec operation complete_errored_deploy; pscale deploy-request unblock).
func (c *Client) CompleteErroredDeploy(ctx context.Context, db string, n uint64) (*DeployRequest, error) {
	return call(ctx, c.drOp("unblock the deploy queue held by", db, n), func(ctx context.Context) (*DeployRequest, error) {
		var dr DeployRequest
		err := c.sendJSON(ctx, http.MethodPost, fmt.Sprintf("organizations/%s/databases/%s/deploy-requests/%d/complete-deploy", url.PathEscape(c.org), url.PathEscape(db), n), struct{}{}, &dr)
		return &dr, err
	})
}

// SkipRevert ends the revert window of a deployed request.
func (c *Client) SkipRevert(ctx context.Context, db string, n uint64) (*DeployRequest, error) {
	return call(ctx, c.drOp("skip the revert window of", db, n), func(ctx context.Context) (*DeployRequest, error) {
		return c.api.DeployRequests.SkipRevertDeploy(ctx, &ps.SkipRevertDeployRequestRequest{Organization: c.org, Database: db, Number: n})
	})
}

// CancelDeploy cancels a queued or running deploy.
func (c *Client) CancelDeploy(ctx context.Context, db string, n uint64) (*DeployRequest, error) {
	return call(ctx, c.drOp("cancel", db, n), func(ctx context.Context) (*DeployRequest, error) {
		return c.api.DeployRequests.CancelDeploy(ctx, &ps.CancelDeployRequestRequest{Organization: c.org, Database: db, Number: n})
	})
}

// CloseDeployRequest closes a deploy request without deploying it.
func (c *Client) CloseDeployRequest(ctx context.Context, db string, n uint64) (*DeployRequest, error) {
	return call(ctx, c.drOp("close", db, n), func(ctx context.Context) (*DeployRequest, error) {
		return c.api.DeployRequests.CloseDeploy(ctx, &ps.CloseDeployRequestRequest{Organization: c.org, Database: db, Number: n})
	})
}

// Operation is one DDL statement of a deploy request.
type Operation struct {
	Table       string `json:"table_name"`
	Name        string `json:"operation_name"`
	State       string `json:"state"`
	DDL         string `json:"ddl_statement"`
	CanDropData bool   `json:"can_drop_data"`
}

// Operations returns the DDL a deploy request will run, in order.
func (c *Client) Operations(ctx context.Context, db string, n uint64) ([]Operation, error) {
	path := fmt.Sprintf("organizations/%s/databases/%s/deploy-requests/%d/operations", url.PathEscape(c.org), url.PathEscape(db), n)
	return listAll[Operation](ctx, c, c.drOp("list the operations of", db, n), path)
}

func (c *Client) drOp(verb, db string, n uint64) string {
	return fmt.Sprintf("%s deploy request #%d of %s/%s", verb, n, c.org, db)
}

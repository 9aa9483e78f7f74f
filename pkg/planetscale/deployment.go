package planetscale

import (
	"context"
	"fmt"
	"net/url"
	"time"

	ps "github.com/planetscale/planetscale-go/planetscale"
)

// Deployment is the deployment of a deploy request, with the fields the SDK does not
// decode: why it cannot deploy or failed, and when each step happened.
type Deployment struct {
	State                string                 `json:"state"`
	DeployRequestNumber  uint64                 `json:"deploy_request_number"`
	IntoBranch           string                 `json:"into_branch"`
	Deployable           bool                   `json:"deployable"`
	DeployCheckErrors    *string                `json:"deploy_check_errors"`
	LintErrors           []*DeploymentLintError `json:"lint_errors"`
	PrecedingDeployments []*QueuedDeployment    `json:"preceding_deployments"`
	QueuedAt             *time.Time             `json:"queued_at"`
	StartedAt            *time.Time             `json:"started_at"`
	FinishedAt           *time.Time             `json:"finished_at"`
}

// DeploymentLintError is a lint error that keeps a deployment from
// deploying.
type DeploymentLintError = ps.DeploymentLintError

// QueuedDeployment is a deployment ahead of another in its deploy queue.
type QueuedDeployment = ps.QueuedDeployment

// GetDeployment returns the deployment of deploy request n.
func (c *Client) GetDeployment(ctx context.Context, db string, n uint64) (*Deployment, error) {
	return call(ctx, c.drOp("get the deployment of", db, n), func(ctx context.Context) (*Deployment, error) {
		var d Deployment
		path := fmt.Sprintf("organizations/%s/databases/%s/deploy-requests/%d/deployment", url.PathEscape(c.org), url.PathEscape(db), n)
		err := c.getJSON(ctx, path, &d)
		return &d, err
	})
}

// DeployQueue lists the deployments running or queued in a database, each
// target branch's queue in order, all pages.
func (c *Client) DeployQueue(ctx context.Context, db string) ([]*Deployment, error) {
	path := fmt.Sprintf("organizations/%s/databases/%s/deploy-queue", url.PathEscape(c.org), url.PathEscape(db))
	return allPages(ctx, fmt.Sprintf("get the deploy queue of %s/%s", c.org, db), func(ctx context.Context, page int) ([]*Deployment, error) {
		var list struct {
			Data []*Deployment `json:"data"`
		}
		err := c.getJSON(ctx, fmt.Sprintf("%s?page=%d&per_page=%d", path, page, perPage), &list)
		return list.Data, err
	})
}

// SchemaFile is one table or view of a branch schema: its name and its
// CREATE statement.
type SchemaFile = ps.Diff

// BranchSchema returns the CREATE statements of a branch's tables and views.
func (c *Client) BranchSchema(ctx context.Context, db, branch string) ([]*SchemaFile, error) {
	return call(ctx, fmt.Sprintf("get the schema of branch %s of %s/%s", branch, c.org, db), func(ctx context.Context) ([]*SchemaFile, error) {
		return c.api.DatabaseBranches.Schema(ctx, &ps.BranchSchemaRequest{Organization: c.org, Database: db, Branch: branch})
	})
}

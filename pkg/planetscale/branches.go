package planetscale

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	ps "github.com/planetscale/planetscale-go/planetscale"
)

// Branch is a database branch as the API returns it.
type Branch = ps.DatabaseBranch

// Database is what psflow needs to know about a database.
type Database struct {
	Name          string `json:"name"`
	DefaultBranch string `json:"default_branch"`
	HTMLURL       string `json:"html_url"`
	State         string `json:"state"`
	// RequireApprovalForDeploy: a deploy request needs an approval before
	// it can be deployed.
	RequireApprovalForDeploy bool `json:"require_approval_for_deploy"`
	// SchemaLastUpdatedAt is when the default branch's schema last
	// changed; nil when it never did.
	SchemaLastUpdatedAt *time.Time `json:"schema_last_updated_at"`
	MigrationSettings
}

// MigrationSettings are the database's "automatically copy migration data" settings: the
// rows of MigrationTableName go into new branches and deploys (docs/design/client.md).
type MigrationSettings struct {
	AutomaticMigrations bool   `json:"automatic_migrations"`
	MigrationFramework  string `json:"migration_framework,omitempty"`
	MigrationTableName  string `json:"migration_table_name,omitempty"`
}

// UpdateMigrationSettings changes a database's migration settings and
// returns the database as it is then.
func (c *Client) UpdateMigrationSettings(ctx context.Context, db string, m MigrationSettings) (*Database, error) {
	return call(ctx, fmt.Sprintf("update the migration settings of %s/%s", c.org, db), func(ctx context.Context) (*Database, error) {
		var d Database
		err := c.sendJSON(ctx, http.MethodPatch, "organizations/"+url.PathEscape(c.org)+"/databases/"+url.PathEscape(db), m, &d)
		return &d, err
	})
}

// GetDatabase returns a database, with its default branch.
func (c *Client) GetDatabase(ctx context.Context, db string) (*Database, error) {
	return call(ctx, fmt.Sprintf("get database %s/%s", c.org, db), func(ctx context.Context) (*Database, error) {
		var d Database
		err := c.getJSON(ctx, "organizations/"+url.PathEscape(c.org)+"/databases/"+url.PathEscape(db), &d)
		return &d, err
	})
}

// GetBranch returns one branch of a database.
func (c *Client) GetBranch(ctx context.Context, db, branch string) (*Branch, error) {
	return call(ctx, fmt.Sprintf("get branch %s of %s/%s", branch, c.org, db), func(ctx context.Context) (*Branch, error) {
		return c.api.DatabaseBranches.Get(ctx, &ps.GetDatabaseBranchRequest{Organization: c.org, Database: db, Branch: branch})
	})
}

// ListBranches returns every branch of a database, all pages.
func (c *Client) ListBranches(ctx context.Context, db string) ([]*Branch, error) {
	return allPages(ctx, fmt.Sprintf("list branches of %s/%s", c.org, db), func(ctx context.Context, page int) ([]*Branch, error) {
		return c.api.DatabaseBranches.List(ctx, &ps.ListDatabaseBranchesRequest{Organization: c.org, Database: db},
			ps.WithPage(page), ps.WithPerPage(perPage))
	})
}

// listAll reads every page of the API list at path (no query), as op.
func listAll[T any](ctx context.Context, c *Client, op, path string) ([]T, error) {
	return allPages(ctx, op, func(ctx context.Context, page int) ([]T, error) {
		var list struct {
			Data []T `json:"data"`
		}
		err := c.getJSON(ctx, fmt.Sprintf("%s?page=%d&per_page=%d", path, page, perPage), &list)
		return list.Data, err
	})
}

// CreateBranch is what a new branch is made from. An empty Parent branches off the
// database's default branch (docs/design/client.md).
type CreateBranch struct {
	Name     string `json:"name"`
	Parent   string `json:"parent_branch,omitempty"`
	Region   string `json:"region,omitempty"`
	BackupID string `json:"backup_id,omitempty"` // restore this backup's data (Data Branching)
	SeedData string `json:"seed_data,omitempty"` // "last_successful_backup" to restore the newest backup
	// ClusterSize is the new branch's cluster size; with BackupID or
	// SeedData an empty one is sent as dataBranchClusterSize.
	ClusterSize string `json:"cluster_size,omitempty"`
}

// dataBranchClusterSize is the cluster size of a branch with data from a backup when none
// is given, as pscale does (docs/design/client.md).
const dataBranchClusterSize = "PS_10"

// CreateBranch creates a branch. It is sent once: after an ambiguous failure the caller
// must GET the branch before trying again.
func (c *Client) CreateBranch(ctx context.Context, db string, b CreateBranch) (*Branch, error) {
	if b.ClusterSize == "" && (b.BackupID != "" || b.SeedData != "") {
		b.ClusterSize = dataBranchClusterSize
	}
	return call(ctx, fmt.Sprintf("create branch %s of %s/%s", b.Name, c.org, db), func(ctx context.Context) (*Branch, error) {
		var out Branch
		err := c.sendJSON(ctx, http.MethodPost, "organizations/"+url.PathEscape(c.org)+"/databases/"+url.PathEscape(db)+"/branches", b, &out)
		return &out, err
	})
}

// DeleteBranch deletes a branch.
func (c *Client) DeleteBranch(ctx context.Context, db, branch string) error {
	return exec(ctx, fmt.Sprintf("delete branch %s of %s/%s", branch, c.org, db), func(ctx context.Context) error {
		return c.api.DatabaseBranches.Delete(ctx, &ps.DeleteDatabaseBranchRequest{Organization: c.org, Database: db, Branch: branch})
	})
}

// LintError is one finding of the branch schema linter.
type LintError = ps.SchemaLintError

// LintSchema returns the schema lint findings of a branch.
func (c *Client) LintSchema(ctx context.Context, db, branch string) ([]*LintError, error) {
	return call(ctx, fmt.Sprintf("lint the schema of branch %s of %s/%s", branch, c.org, db), func(ctx context.Context) ([]*LintError, error) {
		return c.api.DatabaseBranches.LintSchema(ctx, &ps.LintSchemaRequest{Organization: c.org, Database: db, Branch: branch})
	})
}

// GetBranchOrigin returns one branch of a database, and whether it was created with data
// from a backup (restored_from_branch, which the SDK's type leaves out).
func (c *Client) GetBranchOrigin(ctx context.Context, db, branch string) (*Branch, bool, error) {
	type origin struct {
		ps.DatabaseBranch
		RestoredFrom *struct {
			Name string `json:"name"`
		} `json:"restored_from_branch"`
	}
	o, err := call(ctx, fmt.Sprintf("get branch %s of %s/%s", branch, c.org, db), func(ctx context.Context) (*origin, error) {
		var o origin
		err := c.getJSON(ctx, "organizations/"+url.PathEscape(c.org)+"/databases/"+url.PathEscape(db)+"/branches/"+url.PathEscape(branch), &o)
		return &o, err
	})
	if err != nil {
		return nil, false, err
	}
	return &o.DatabaseBranch, o.RestoredFrom != nil, nil
}

package createbranch

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/psflow/psflow/internal/branchconn"
	"github.com/psflow/psflow/internal/scope"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

func run(ctx context.Context, s *step.Step) error {
	if s.String("seed_data") != "" && s.String("backup_id") != "" {
		return step.Usagef("set seed_data or backup_id, not both")
	}
	if _, err := branchconn.MySQLCA(s, "auto"); err != nil {
		return err
	}
	c, err := scope.Client(s)
	if err != nil {
		return err
	}
	name, err := scope.Branch(s)
	if err != nil {
		return err
	}
	db := s.String("database")
	parent := s.String("parent_branch")
	if name == parent {
		return step.Usagef("branch %s is the parent branch of %s; name a development branch", name, scope.OrgDatabase(s))
	}

	b, created, err := getOrCreate(ctx, s, c, db, planetscale.CreateBranch{
		Name: name, Parent: parent, Region: s.String("region"), BackupID: s.String("backup_id"), SeedData: s.String("seed_data"),
		ClusterSize: s.String("cluster_size"),
	})
	if err != nil {
		return err
	}
	s.Output("branch", b.Name)
	s.Output("created", strconv.FormatBool(created))
	s.Output("html_url", b.HtmlURL)

	start := time.Now()
	if !b.Ready && s.Bool("wait") {
		if b, err = branchconn.WaitBranchReady(ctx, s, c, db, b.Name, s.Duration("timeout")); err != nil {
			return err
		}
	}
	ready := time.Since(start)

	if s.Bool("create_password") {
		if err := branchconn.OutputPassword(ctx, s, c, db, b, s.String("password_role"), s.Duration("password_ttl"), created); err != nil {
			return err
		}
	}
	verb := "reused"
	if created {
		verb = "created"
	}
	s.Logf("branch %s of %s %s (parent %s, ready=%v)", b.Name, scope.OrgDatabase(s), verb, b.ParentBranch, b.Ready)
	s.Summary(fmt.Sprintf("### Branch `%s` %s\n\n| | |\n|---|---|\n| Database | %s |\n| Parent | %s |\n| Region | %s |\n| Ready after | %s |\n| API calls | %d |\n",
		b.Name, verb, scope.OrgDatabase(s), b.ParentBranch, b.Region.Slug, ready.Round(time.Millisecond), c.Calls()))
	return nil
}

// getOrCreate returns the branch, creating it off parent (or the default
// branch) when missing; a lost or racing create is reconciled by a read.
func getOrCreate(ctx context.Context, s *step.Step, c *planetscale.Client, db string, req planetscale.CreateBranch) (*planetscale.Branch, bool, error) {
	b, err := c.GetBranch(ctx, db, req.Name)
	if err == nil {
		return b, false, checkExisting(ctx, s, c, db, b, req.Parent)
	}
	if !planetscale.IsKind(err, planetscale.KindNotFound) {
		return nil, false, err
	}
	const attempts = 2
	for attempt := 1; ; attempt++ {
		b, err = c.CreateBranch(ctx, db, req)
		if err == nil {
			return b, true, nil
		}
		if planetscale.IsKind(err, planetscale.KindUnauthorized) || planetscale.IsKind(err, planetscale.KindForbidden) {
			return nil, false, err
		}
		existing, getErr := c.GetBranch(ctx, db, req.Name)
		if getErr == nil {
			s.Logf("branch %s appeared while creating it (another run, or a request whose answer was lost); reusing it", req.Name)
			return existing, false, checkExisting(ctx, s, c, db, existing, req.Parent)
		}
		// Nothing was created: try again only after a failure that may pass.
		if attempt == attempts || !planetscale.Transient(err) || !planetscale.IsKind(getErr, planetscale.KindNotFound) {
			return nil, false, err
		}
		s.Logf("branch %s was not created (%v); trying again", req.Name, err)
	}
}

// checkExisting refuses to reuse a production branch, the default branch,
// or a branch off another parent than the one asked for.
func checkExisting(ctx context.Context, s *step.Step, c *planetscale.Client, db string, b *planetscale.Branch, parent string) error {
	if b.Production {
		return step.Usagef("branch %s of %s is a production branch; create-branch only hands out development branches", b.Name, scope.OrgDatabase(s))
	}
	if parent == "" {
		d, err := c.GetDatabase(ctx, db)
		if err != nil {
			return err
		}
		if b.Name == d.DefaultBranch {
			return step.Usagef("branch %s is the parent branch of %s; name a development branch", b.Name, scope.OrgDatabase(s))
		}
		parent = d.DefaultBranch
	}
	if b.ParentBranch != parent {
		return step.Usagef("branch %s of %s already exists with parent %s, not %s; delete it or set parent_branch: %s",
			b.Name, scope.OrgDatabase(s), b.ParentBranch, parent, b.ParentBranch)
	}
	return nil
}

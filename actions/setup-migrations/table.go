package setupmigrations

import (
	"context"

	"github.com/psflow/psflow/internal/branchconn"
	"github.com/psflow/psflow/internal/scope"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

// ensureTable gets table into the default branch when it lacks it and
// returns the deploy request that did, 0 when none was needed.
func ensureTable(ctx context.Context, s *step.Step, c *planetscale.Client, d *planetscale.Database, table string) (uint64, error) {
	db, prod := s.String("database"), d.DefaultBranch
	has, err := hasTable(ctx, c, db, prod, table)
	if err != nil {
		return 0, err
	}
	if has {
		s.Logf("production branch %s of %s has the migration table %s", prod, scope.OrgDatabase(s), table)
		// A run killed while it created the table there left its password.
		branchconn.DeleteLeftovers(ctx, s, c, db, prod, passwordKind)
		tidy(ctx, s, c, db)
		return 0, nil
	}
	b, err := c.GetBranch(ctx, db, prod)
	if err != nil {
		return 0, err
	}
	if !b.SafeMigrations {
		s.Logf("production branch %s of %s has safe migrations off, so it takes DDL directly; creating the migration table %s on it", prod, scope.OrgDatabase(s), table)
		return 0, createTable(ctx, s, c, db, prod, table)
	}
	u := &deploy{s: s, c: c, db: db, prod: prod, table: table, approval: d.RequireApprovalForDeploy}
	return u.run(ctx)
}

// hasTable reports whether a branch's schema has the table.
func hasTable(ctx context.Context, c *planetscale.Client, db, branch, table string) (bool, error) {
	schema, err := c.BranchSchema(ctx, db, branch)
	if err != nil {
		return false, err
	}
	for _, f := range schema {
		if f.Name == table {
			return true, nil
		}
	}
	return false, nil
}

// tidy finishes what an interrupted run left once production has the
// table: it ends the setup deploy's revert window and deletes its branch.
func tidy(ctx context.Context, s *step.Step, c *planetscale.Client, db string) {
	drs, err := c.ListDeployRequests(ctx, db, planetscale.DeployFilter{Branch: SetupBranch})
	if err != nil {
		s.Warnf("could not list the deploy requests from %s of %s, left by an earlier run: %v", SetupBranch, scope.OrgDatabase(s), err)
		return
	}
	open := 0
	for _, dr := range drs {
		if dr.Branch != SetupBranch {
			continue
		}
		if dr.State == planetscale.RequestOpen {
			open++
		}
		if dr.DeploymentState == planetscale.StateCompletePendingRevert {
			if _, err := c.SkipRevert(ctx, db, dr.Number); err != nil {
				s.Warnf("could not end the revert window of deploy request #%d of %s, left by an earlier run: %v", dr.Number, scope.OrgDatabase(s), err)
			} else {
				s.Logf("skipped the revert window of deploy request #%d of %s, left by an earlier run", dr.Number, scope.OrgDatabase(s))
			}
		}
	}
	if _, err := c.GetBranch(ctx, db, SetupBranch); err != nil {
		return
	}
	if open > 0 {
		s.Warnf("branch %s of %s, left by an earlier run, has an open deploy request and is kept; close the request and delete the branch (psflow delete-branch --branch %s)",
			SetupBranch, scope.OrgDatabase(s), SetupBranch)
		return
	}
	if err := c.DeleteBranch(ctx, db, SetupBranch); err != nil && !planetscale.IsKind(err, planetscale.KindNotFound) {
		s.Warnf("branch %s of %s is left from an earlier run and was not deleted: %v; delete it with: psflow delete-branch --branch %s", SetupBranch, scope.OrgDatabase(s), err, SetupBranch)
		return
	}
	s.Logf("deleted branch %s of %s, left by an earlier run", SetupBranch, scope.OrgDatabase(s))
}

package seedbranch

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/psflow/psflow/internal/branchconn"
	"github.com/psflow/psflow/internal/scope"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

// migrationTable returns the database's migration table when automatic
// migrations are on and production has it, or "".
func (sd *seeder) migrationTable(ctx context.Context) (string, error) {
	m := sd.db.MigrationSettings
	table := ""
	if m.AutomaticMigrations {
		table = m.MigrationTableName
	}
	if len(sd.src.migrations) == 0 {
		return table, nil
	}
	setup := fmt.Sprintf("run `psflow setup-migrations --database %s` once: it turns them on for table %s and gets the table into production through a deploy request",
		sd.database, branchconn.DefaultMigrationTable)
	if table == "" {
		return "", step.Usagef("database %s has no automatic migrations (the setting that copies the migration table's rows into branches and deploy requests); %s", scope.OrgDatabase(sd.s), setup)
	}
	schema, err := sd.c.BranchSchema(ctx, sd.database, sd.db.DefaultBranch)
	if err != nil {
		return "", err
	}
	for _, f := range schema {
		if strings.EqualFold(f.Name, table) {
			return table, nil
		}
	}
	return "", step.Usagef("production branch %s of %s has no migration table %s; %s", sd.db.DefaultBranch, scope.OrgDatabase(sd.s), table, setup)
}

// moved says how production's schema moved since the branch was
// created, or "" when it did not (or the branch is not production's).
func (sd *seeder) moved() string {
	at := sd.db.SchemaLastUpdatedAt
	if at == nil || sd.b.ParentBranch != sd.db.DefaultBranch || !at.After(sd.b.CreatedAt) {
		return ""
	}
	return fmt.Sprintf("production's schema changed at %s, after the branch was created at %s",
		at.UTC().Format(time.RFC3339), sd.b.CreatedAt.UTC().Format(time.RFC3339))
}

// recreate deletes the branch and creates it again off its parent as it is
// now, and outputs a new password; a branch being deployed is left alone.
func (sd *seeder) recreate(ctx context.Context, why string) error {
	old := sd.b
	if old.Production || old.Name == sd.db.DefaultBranch {
		return step.Usagef("branch %s of %s is a production branch; seed-branch never recreates one", old.Name, scope.OrgDatabase(sd.s))
	}
	open, err := sd.c.ListDeployRequests(ctx, sd.database, planetscale.DeployFilter{State: planetscale.RequestOpen, Branch: old.Name})
	if err != nil {
		return err
	}
	for _, dr := range open {
		if planetscale.Deploying(dr.DeploymentState) {
			return fmt.Errorf("branch %s of %s must be recreated (%s), but its deploy request #%d is %s; run seed-branch again when the deployment ended",
				old.Name, scope.OrgDatabase(sd.s), why, dr.Number, dr.DeploymentState)
		}
	}
	restored := sd.restored
	sd.s.Logf("recreating branch %s off %s as it is now: %s", old.Name, old.ParentBranch, why)
	if err := sd.c.DeleteBranch(ctx, sd.database, old.Name); err != nil && !planetscale.IsKind(err, planetscale.KindNotFound) {
		return err
	}
	req := planetscale.CreateBranch{Name: old.Name, Parent: old.ParentBranch, Region: old.Region.Slug}
	if restored {
		req.SeedData = "last_successful_backup"
		sd.s.Logf("branch %s had rows from a backup (Data Branching), so it comes back with the newest backup of %s; "+
			"the branch then has that backup's schema, so back %s up after each deploy", old.Name, old.ParentBranch, old.ParentBranch)
	}
	b, err := sd.c.CreateBranch(ctx, sd.database, req)
	if err != nil {
		// An answer lost on the way: the branch may exist all the same.
		if b, err = sd.c.GetBranch(ctx, sd.database, old.Name); err != nil {
			return fmt.Errorf("branch %s of %s was deleted to be recreated and could not be created again: %w; run create-branch", old.Name, scope.OrgDatabase(sd.s), err)
		}
	}
	if !b.Ready {
		deadline, _ := ctx.Deadline()
		if b, err = branchconn.WaitBranchReady(ctx, sd.s, sd.c, sd.database, old.Name, time.Until(deadline)); err != nil {
			return err
		}
	}
	for _, dr := range open {
		sd.s.Logf("deploy request #%d closed with the old branch; open-deploy-request opens a new one", dr.Number)
	}
	sd.b, sd.recreated = b, why
	return branchconn.OutputPassword(ctx, sd.s, sd.c, sd.database, b, "admin", sd.s.Duration("password_ttl"), true)
}

package setupmigrations

import (
	"context"
	"fmt"
	"time"

	"github.com/psflow/psflow/internal/branchconn"
	"github.com/psflow/psflow/internal/scope"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

// passwordTTL is the lifetime of the password that creates the table,
// should its deletion fail.
const passwordTTL = 10 * time.Minute

// passwordKind is the password a run creates the table with.
var passwordKind = branchconn.PasswordKind{Purpose: branchconn.PurposeSetupMigrations, Role: "admin"}

// createTable creates the migration table on a branch over MySQL, with a
// short-lived admin password deleted right after.
func createTable(ctx context.Context, s *step.Step, c *planetscale.Client, db, branch, table string) error {
	bc, err := branchconn.Open(ctx, s, c, db, branch, branchconn.Password{
		Kind: passwordKind, TTL: passwordTTL, Conns: 1,
	})
	if err != nil {
		return err
	}
	defer bc.Close()
	if _, err := bc.Pool.ExecContext(ctx, branchconn.MigrationTableDDL(table)); err != nil {
		return fmt.Errorf("create the migration table %s on branch %s of %s: %w", table, branch, scope.OrgDatabase(s), err)
	}
	s.Logf("created the migration table %s on branch %s of %s", table, branch, scope.OrgDatabase(s))
	return nil
}

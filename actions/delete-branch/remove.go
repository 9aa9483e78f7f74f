package deletebranch

import (
	"context"
	"fmt"

	"github.com/psflow/psflow/internal/scope"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

// remove deletes one branch, or says it would on a dry run, and returns
// the names deleted.
func remove(ctx context.Context, s *step.Step, c *planetscale.Client, db, name string) ([]string, error) {
	if s.Bool("dry_run") {
		s.Logf("dry run: would delete branch %s of %s", name, scope.OrgDatabase(s))
		return []string{name}, nil
	}
	err := c.DeleteBranch(ctx, db, name)
	if planetscale.IsKind(err, planetscale.KindNotFound) {
		if _, gerr := c.GetBranch(ctx, db, name); gerr == nil {
			return nil, err
		}
		s.Logf("branch %s of %s was already gone", name, scope.OrgDatabase(s))
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	s.Logf("deleted branch %s of %s", name, scope.OrgDatabase(s))
	s.Summary(fmt.Sprintf("Deleted branch `%s` of %s.", name, scope.OrgDatabase(s)))
	return []string{name}, nil
}

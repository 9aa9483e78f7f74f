package deletebranch

import (
	"context"
	"strings"

	"github.com/psflow/psflow/internal/scope"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

func run(ctx context.Context, s *step.Step) error {
	c, err := scope.Client(s)
	if err != nil {
		return err
	}
	db := s.String("database")
	d, err := c.GetDatabase(ctx, db)
	if err != nil {
		return err
	}
	if s.Bool("sweep") {
		return sweep(ctx, s, c, d)
	}
	if done, err := keepOpen(s); done || err != nil {
		return err
	}
	name, err := scope.Branch(s)
	if err != nil {
		return err
	}
	if name == d.DefaultBranch {
		return step.Usagef("refusing to delete %s: it is the default branch of %s", name, scope.OrgDatabase(s))
	}
	b, err := c.GetBranch(ctx, db, name)
	if planetscale.IsKind(err, planetscale.KindNotFound) {
		s.Logf("branch %s of %s does not exist; nothing to delete", name, scope.OrgDatabase(s))
		s.Output("deleted", "")
		return nil
	}
	if err != nil {
		return err
	}
	if b.Production {
		return step.Usagef("refusing to delete %s: it is a production branch of %s", name, scope.OrgDatabase(s))
	}
	deleted, err := remove(ctx, s, c, db, name)
	if err != nil {
		return err
	}
	s.Output("deleted", strings.Join(deleted, "\n"))
	return nil
}

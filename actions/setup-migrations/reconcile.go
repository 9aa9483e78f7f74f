package setupmigrations

import (
	"context"

	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

// reconciled makes a call that is never blindly sent twice: after a failure
// that may pass, find reads back whether it happened before it is retried.
func reconciled[T any](ctx context.Context, s *step.Step, what string, call func(context.Context) (T, error), find func(context.Context) (T, bool, error)) (T, error) {
	const attempts = 2
	for attempt := 1; ; attempt++ {
		v, err := call(ctx)
		if err == nil || !planetscale.Transient(err) {
			return v, err
		}
		found, ok, ferr := find(ctx)
		if ferr == nil && ok {
			s.Logf("%s: the answer was lost, but it was done", what)
			return found, nil
		}
		if ferr != nil || attempt == attempts || ctx.Err() != nil {
			return v, err
		}
		s.Logf("%s failed (%v); trying again", what, err)
	}
}

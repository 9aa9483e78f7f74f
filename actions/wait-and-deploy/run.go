package waitanddeploy

import (
	"context"
	"errors"

	"github.com/psflow/psflow/pkg/step"
)

// run is not implemented in this version yet.
func run(ctx context.Context, s *step.Step) error {
	return errors.New("this action is declared but not implemented in this version of psflow")
}

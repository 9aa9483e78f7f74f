package planetscale

import (
	"context"
	"time"
)

// Pause waits for d, or until ctx ends (returning its error), for a
// caller's one-off delay such as a random pause before a deploy call.
func Pause(ctx context.Context, d time.Duration) error { return sleepCtx(ctx, d) }

package sqlload

import (
	"context"
	"sync"
)

// budget bounds the bytes of statement text queued for workers, so the
// reader can run ahead of the database without holding the whole script.
type budget struct {
	mu   sync.Mutex
	free int64
	max  int64
	wake chan struct{}
}

// newBudget returns a budget of max bytes.
func newBudget(max int64) *budget {
	return &budget{free: max, max: max, wake: make(chan struct{}, 1)}
}

// acquire waits until n bytes are free and takes them, all the budget for a larger n so that a
// huge statement still runs; it returns how much it took, to give back with release.
func (b *budget) acquire(ctx context.Context, n int64) (int64, error) {
	n = min(n, b.max)
	for {
		b.mu.Lock()
		if b.free >= n {
			b.free -= n
			b.mu.Unlock()
			return n, nil
		}
		b.mu.Unlock()
		select {
		case <-b.wake:
		case <-ctx.Done():
			return 0, context.Cause(ctx)
		}
	}
}

// release gives back n bytes taken by acquire.
func (b *budget) release(n int64) {
	if n == 0 {
		return
	}
	b.mu.Lock()
	b.free += n
	b.mu.Unlock()
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

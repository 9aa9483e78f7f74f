//go:build unix || windows

package waitanddeploy

import (
	"context"
	"errors"
	"testing"
	"time"

	"gotest.tools/v3/assert"
)

func TestHostLockSerializesOneDeployRequest(t *testing.T) {
	t.Parallel()
	url := "http://127.0.0.1:1/" + t.Name() + time.Now().String()
	first := newHostLock(url, "acme", "app", 1)
	release, err := first.acquire(context.Background())
	assert.NilError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = newHostLock(url, "acme", "app", 1).acquire(ctx)
	assert.Assert(t, errors.Is(err, context.DeadlineExceeded), "the second holder got the lock: %v", err)

	other, err := newHostLock(url, "acme", "app", 2).acquire(context.Background())
	assert.NilError(t, err, "another deploy request has its own lock")
	other()

	release()
	again, err := newHostLock(url, "acme", "app", 1).acquire(context.Background())
	assert.NilError(t, err)
	again()
}

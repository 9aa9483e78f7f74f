//go:build unix

package waitanddeploy

import (
	"context"
	"fmt"
	"os"
	"syscall"
)

// lockFile takes an exclusive flock on path, creating the file (never
// following a symlink), and returns its release.
func lockFile(ctx context.Context, path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock %s: %w", path, err)
	}
	locked := make(chan error, 1)
	go func() { locked <- syscall.Flock(int(f.Fd()), syscall.LOCK_EX) }()
	select {
	case err := <-locked:
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		return func() { f.Close() }, nil
	case <-ctx.Done():
		// Closing the file ends the lock if the blocked flock gets it later.
		go func() {
			<-locked
			f.Close()
		}()
		return nil, ctx.Err()
	}
}

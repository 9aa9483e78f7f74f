package waitanddeploy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
)

// hostLock serializes the check-then-deploy of one deploy request among the
// psflow runs on this machine (docs/design/actions-wait-and-deploy.md).
type hostLock struct {
	path string
}

// newHostLock names the lock of deploy request n of org/db at apiURL.
func newHostLock(apiURL, org, db string, n uint64) hostLock {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s\x00%s\x00%s\x00%d", apiURL, org, db, n)))
	return hostLock{path: filepath.Join(os.TempDir(), "psflow-deploy-"+hex.EncodeToString(sum[:12])+".lock")}
}

// acquire waits for the lock until ctx ends and returns its release.
func (l hostLock) acquire(ctx context.Context) (func(), error) {
	return lockFile(ctx, l.path)
}

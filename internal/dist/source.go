package dist

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os/exec"
)

// SourceDigest is "sha256:" and the hash of git's listing of rev's files but the manifest:
// their mode, blob id and path (docs/design/release.md).
func SourceDigest(ctx context.Context, root, rev string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", "ls-tree", "-r", "--full-tree", rev)
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git ls-tree %s: %w", rev, err)
	}
	h := sha256.New()
	for line := range bytes.Lines(out) {
		if _, path, _ := bytes.Cut(line, []byte("\t")); string(bytes.TrimSuffix(path, []byte("\n"))) == ManifestPath {
			continue
		}
		h.Write(line)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

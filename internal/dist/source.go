package dist

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os/exec"
)

// SourceDigest identifies the tree of commit rev in the repository at root,
// leaving out the manifest itself: "sha256:" and the hash of git's listing
// of every other file's mode, blob id and path. A manifest whose Source
// differs from its tree's describes another tree: it was carried into a
// later commit and its binaries were not built from that commit's source.
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

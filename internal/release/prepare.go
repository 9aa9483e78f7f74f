package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/psflow/psflow/internal/dist"
)

// prepare builds every release binary, records their sha256 in entrypoint/release.json, and
// commits and tags that as "Release VERSION", then commits the file's removal.
func prepare(ctx context.Context, root, version string, build buildFunc, stdout io.Writer) error {
	if !dist.ValidVersion(version) {
		return fmt.Errorf("version %q is not vMAJOR.MINOR.PATCH", version)
	}
	if dirty, err := git(ctx, root, "status", "--porcelain"); err != nil {
		return err
	} else if dirty != "" {
		return fmt.Errorf("the work tree has changes; commit or stash them first:\n%s", dirty)
	}
	if _, err := git(ctx, root, "rev-parse", "-q", "--verify", "refs/tags/"+version); err == nil {
		return fmt.Errorf("tag %s exists already", version)
	}
	m, err := record(ctx, root, version, build, stdout)
	if err != nil {
		return err
	}
	if err := m.Write(filepath.Join(root, dist.ManifestPath)); err != nil {
		return err
	}
	steps := [][]string{
		{"add", dist.ManifestPath},
		{"commit", "-q", "-m", "Release " + version},
		{"tag", "-a", version, "-m", "psflow " + version},
		{"rm", "-q", dist.ManifestPath},
		{"commit", "-q", "-m", "Build from source again after " + version},
	}
	for _, args := range steps {
		if _, err := git(ctx, root, args...); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "\nTagged %s (the release commit, HEAD~1); HEAD builds from source again.\n"+
		"Check it, then push both; the release workflow builds, verifies and publishes:\n"+
		"  git push origin HEAD %s\n", version, version)
	return nil
}

// buildFunc builds one release binary; dist.Build, or a stand-in in tests.
type buildFunc func(ctx context.Context, root string, b dist.Binary, t dist.Target, version, out string) error

// record builds every release binary of version from the tree at root into
// a temporary directory and returns the manifest describing them.
func record(ctx context.Context, root, version string, build buildFunc, stdout io.Writer) (dist.Manifest, error) {
	m := dist.Manifest{Version: version, Files: map[string]string{}}
	var err error
	if m.Go, err = dist.GoVersion(ctx); err != nil {
		return m, err
	}
	if m.Source, err = dist.SourceDigest(ctx, root, "HEAD"); err != nil {
		return m, err
	}
	tmp, err := os.MkdirTemp("", "psflow-release-")
	if err != nil {
		return m, err
	}
	defer os.RemoveAll(tmp)
	for _, b := range dist.Binaries {
		for _, t := range dist.Targets {
			out := filepath.Join(tmp, b.File(t))
			if err := build(ctx, root, b, t, version, out); err != nil {
				return m, err
			}
			if m.Files[b.File(t)], err = dist.FileSHA256(out); err != nil {
				return m, err
			}
			fmt.Fprintf(stdout, "%s  %s\n", m.Files[b.File(t)], b.File(t))
		}
	}
	return m, nil
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"

	"github.com/psflow/psflow/internal/dist"
)

// check verifies that the tree's entrypoint/release.json, if any, is complete and describes
// this tree; with tag set, the file must exist and record that version.
func check(ctx context.Context, root, tag string, stdout io.Writer) error {
	m, err := dist.ReadManifest(filepath.Join(root, dist.ManifestPath))
	if errors.Is(err, fs.ErrNotExist) && tag == "" {
		fmt.Fprintf(stdout, "%s: none (a development tree: the actions build psflow from source)\n", dist.ManifestPath)
		return nil
	}
	if err != nil {
		return err
	}
	if tag != "" && m.Version != tag {
		return fmt.Errorf("%s records %s, not the tag %s", dist.ManifestPath, m.Version, tag)
	}
	src, err := dist.SourceDigest(ctx, root, "HEAD")
	if err != nil {
		return err
	}
	if m.Source != src {
		return fmt.Errorf("%s describes another tree (%s) than HEAD's (%s): a release record belongs only to its release commit; remove it (git rm %s)",
			dist.ManifestPath, m.Source, src, dist.ManifestPath)
	}
	fmt.Fprintf(stdout, "%s: %s, %d binaries, built by %s from this tree\n", dist.ManifestPath, m.Version, len(m.Files), m.Go)
	return nil
}

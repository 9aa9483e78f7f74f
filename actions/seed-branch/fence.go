package seedbranch

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// fence keeps the files of the inputs inside the working directory
// (docs/design/actions-seed-branch.md).
type fence struct {
	wd, wdReal string // the working directory, as given and resolved
}

// newFence returns the fence of the working directory.
func newFence() (*fence, error) {
	wd, err := os.Getwd()
	if err != nil {
		return nil, fmt.Errorf("working directory: %w", err)
	}
	real, err := filepath.EvalSymlinks(wd)
	if err != nil {
		return nil, fmt.Errorf("working directory: %w", unwrapPath(err))
	}
	return &fence{wd: filepath.Clean(wd), wdReal: real}, nil
}

// gate is the fence as it applies to one entry of an input.
type gate struct {
	f    *fence
	also string // where an entry written outside the working directory resolves, or ""
}

// gate returns the gate of an entry: a file, a directory or a glob, whose
// fixed part is root.
func (f *fence) gate(root string) gate {
	abs := f.abs(root)
	if within(abs, f.wd) {
		return gate{f: f}
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		real = abs
	}
	return gate{f: f, also: real}
}

// abs returns a path made absolute against the working directory, cleaned.
func (f *fence) abs(p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(f.wd, p)
}

// check refuses a file that resolves outside what the gate allows.
func (g gate) check(p string) error {
	real, err := filepath.EvalSymlinks(g.f.abs(p))
	if err != nil {
		return fmt.Errorf("%s: %w", p, unwrapPath(err))
	}
	if within(real, g.f.wdReal) || g.also != "" && within(real, g.also) {
		return nil
	}
	return fmt.Errorf("%s resolves to %s, outside the working directory %s: seed files found in a directory or by a glob, or named inside the working directory, "+
		"must stay inside it; to load a file from elsewhere, name it by its own path", filepath.ToSlash(p), real, g.f.wd)
}

// within reports whether the clean absolute path p is dir or lies under it.
func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// globRoot returns the fixed part of a glob: the directory before the
// first element with a wildcard.
func globRoot(pattern string) string {
	i := strings.IndexAny(pattern, "*?[")
	if i < 0 {
		return pattern
	}
	dir := pattern[:i]
	if j := strings.LastIndexAny(dir, `/`+string(filepath.Separator)); j >= 0 {
		return dir[:j+1]
	}
	return "."
}

// unwrapPath drops the *fs.PathError around err, whose path the caller
// already names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

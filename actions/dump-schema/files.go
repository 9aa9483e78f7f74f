package dumpschema

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// plan is what writing a dump into a directory does.
type plan struct {
	dir     string
	write   []object // files that are new or whose content changes
	same    []object // files that already hold exactly the dump's content
	foreign []string // .sql files under dir the dump does not write, relative, with forward slashes
}

// planDir compares a dump with what dir holds. A missing dir holds
// nothing; a dir that is not a directory is an error.
func planDir(dir string, objs []object) (*plan, error) {
	p := &plan{dir: dir}
	want := map[string]object{}
	for _, o := range objs {
		want[o.File()] = o
	}
	have := map[string]bool{}
	// WalkDir does not follow a symbolic link, even at its root.
	root := dir
	if r, err := filepath.EvalSymlinks(dir); err == nil {
		root = r
	}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.EqualFold(filepath.Ext(path), ".sql") {
			return nil
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if _, ok := want[rel]; !ok {
			p.foreign = append(p.foreign, rel)
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		have[rel] = string(data) == want[rel].SQL
		return nil
	})
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("read %s: %w", dir, err)
	}
	if info, err := os.Stat(dir); err == nil && !info.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", dir)
	}
	for _, o := range objs {
		if have[o.File()] {
			p.same = append(p.same, o)
		} else {
			p.write = append(p.write, o)
		}
	}
	slices.Sort(p.foreign)
	return p, nil
}

// apply deletes the foreign files when prune is set, then writes each new
// or changed file whole, through a temporary file renamed over it.
func (p *plan) apply(prune bool) error {
	if prune {
		for _, rel := range p.foreign {
			if err := os.Remove(filepath.Join(p.dir, filepath.FromSlash(rel))); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("delete %s: %w", rel, err)
			}
		}
	}
	if len(p.write) == 0 {
		return nil
	}
	if err := os.MkdirAll(p.dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", p.dir, err)
	}
	for _, o := range p.write {
		if err := writeFile(filepath.Join(p.dir, o.File()), o.SQL); err != nil {
			return err
		}
	}
	return nil
}

// writeFile replaces path with content.
func writeFile(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".psflow-*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	_, err = tmp.WriteString(content)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

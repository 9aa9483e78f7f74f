package seedbranch

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/psflow/psflow/pkg/sqlload"
)

// errNoFiles marks an entry of the files input that names no file.
var errNoFiles = errors.New("matches no file")

// seedFile is one script to apply.
type seedFile struct {
	Path string // as resolved from the input, cleaned, with forward slashes
	Size int64
	Sum  string // hex sha256 of the content, set by hashFiles
}

// seedSet is the ordered scripts of a run and their content hash.
type seedSet struct {
	Files []seedFile
	Hash  string // hex sha256 over every file's path, size and content, in order
	Bytes int64
}

// resolveFiles turns the files input's entries (files, directories, globs)
// into the scripts to apply, sorted by path and fenced to the working directory.
func resolveFiles(entries []string) ([]seedFile, error) {
	f, err := newFence()
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var files []seedFile
	for _, entry := range entries {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		found, err := resolveEntry(f, entry)
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%s %w", entry, errNoFiles)
		}
		for _, f := range found {
			if !seen[f.Path] {
				seen[f.Path] = true
				files = append(files, f)
			}
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no file given: %w", errNoFiles)
	}
	slices.SortFunc(files, func(a, b seedFile) int { return cmp.Compare(a.Path, b.Path) })
	return files, nil
}

// resolveEntry returns the files one entry names.
func resolveEntry(f *fence, entry string) ([]seedFile, error) {
	paths := []string{entry}
	g := f.gate(entry)
	if strings.ContainsAny(entry, "*?[") {
		var err error
		if paths, err = filepath.Glob(entry); err != nil {
			return nil, fmt.Errorf("glob %s: %w", entry, err)
		}
		g = f.gate(globRoot(entry))
	}
	var files []seedFile
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, unwrapPath(err))
		}
		if !info.IsDir() {
			if err := g.check(p); err != nil {
				return nil, err
			}
			files = append(files, seedFile{Path: filepath.ToSlash(filepath.Clean(p)), Size: info.Size()})
			continue
		}
		found, err := sqlFilesUnder(g, p)
		if err != nil {
			return nil, err
		}
		files = append(files, found...)
	}
	return files, nil
}

// sqlFilesUnder lists the *.sql files under dir, at any depth.
func sqlFilesUnder(g gate, dir string) ([]seedFile, error) {
	var files []seedFile
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", p, unwrapPath(err))
		}
		if d.IsDir() || !strings.EqualFold(filepath.Ext(p), ".sql") {
			return nil
		}
		info, err := os.Stat(p) // follows a symlink to a file
		if err != nil {
			return fmt.Errorf("%s: %w", p, unwrapPath(err))
		}
		if info.IsDir() {
			return nil
		}
		if err := g.check(p); err != nil {
			return err
		}
		files = append(files, seedFile{Path: filepath.ToSlash(filepath.Clean(p)), Size: info.Size()})
		return nil
	})
	return files, err
}

// hashFiles reads every file once and returns the set with a hash of each
// file's path, size and content in order.
func hashFiles(files []seedFile) (seedSet, error) {
	h := sha256.New()
	set := seedSet{Files: files}
	for i, f := range files {
		one := sha256.New()
		n, err := hashOne(h, one, f)
		if err != nil {
			return seedSet{}, err
		}
		files[i].Sum = hex.EncodeToString(one.Sum(nil))
		set.Bytes += n
	}
	set.Hash = hex.EncodeToString(h.Sum(nil))
	return set, nil
}

// hashOne writes one file's path, size and content into h, and its content
// into content; a file whose size changed since its stat is an error.
func hashOne(h, content io.Writer, f seedFile) (int64, error) {
	r, err := os.Open(filepath.FromSlash(f.Path))
	if err != nil {
		return 0, fmt.Errorf("%s: %w", f.Path, unwrapPath(err))
	}
	defer r.Close()
	fmt.Fprintf(h, "%s\x00%s\x00", f.Path, strconv.FormatInt(f.Size, 10))
	n, err := io.Copy(io.MultiWriter(h, content), r)
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", f.Path, unwrapPath(err))
	}
	if n != f.Size {
		return 0, fmt.Errorf("%s changed while it was read (%d bytes, then %d)", f.Path, f.Size, n)
	}
	return n, nil
}

// loadFiles is files as the loader takes them.
func loadFiles(files []seedFile) []sqlload.File {
	out := make([]sqlload.File, len(files))
	for i, f := range files {
		path := filepath.FromSlash(f.Path)
		out[i] = sqlload.File{Name: f.Path, Size: f.Size, Open: func() (io.ReadCloser, error) { return os.Open(path) }}
	}
	return out
}

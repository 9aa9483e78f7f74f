package seedbranch

import (
	"os"
	"path/filepath"
	"testing"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/fs"
)

func TestResolveFiles(t *testing.T) {
	t.Parallel()
	dir := fs.NewDir(t, "seed",
		fs.WithFile("10_late.sql", "SELECT 10;"),
		fs.WithFile("02_schema.sql", "SELECT 2;"),
		fs.WithFile("README.md", "not sql"),
		fs.WithDir("data",
			fs.WithFile("b.sql", "SELECT 'b';"),
			fs.WithFile("A.SQL", "SELECT 'A';"),
			fs.WithDir("deeper", fs.WithFile("c.sql", "SELECT 'c';")),
		),
		fs.WithDir("other", fs.WithFile("x.txt", "SELECT 'x';")),
	)
	p := func(rel string) string { return filepath.ToSlash(filepath.Join(dir.Path(), rel)) }
	cases := []struct {
		name    string
		entries []string
		want    []string
	}{
		{"directory, at any depth, only .sql", []string{dir.Path()},
			[]string{p("02_schema.sql"), p("10_late.sql"), p("data/A.SQL"), p("data/b.sql"), p("data/deeper/c.sql")}},
		{"a file of any name", []string{p("other/x.txt")}, []string{p("other/x.txt")}},
		{"sorted by path whatever the input order", []string{p("data/b.sql"), p("02_schema.sql")},
			[]string{p("02_schema.sql"), p("data/b.sql")}},
		{"a glob and a file it matches, once", []string{filepath.Join(dir.Path(), "*.sql"), p("10_late.sql")},
			[]string{p("02_schema.sql"), p("10_late.sql")}},
		{"a glob matching a directory", []string{filepath.Join(dir.Path(), "d*")},
			[]string{p("data/A.SQL"), p("data/b.sql"), p("data/deeper/c.sql")}},
		{"blank entries are ignored", []string{"", "  ", p("02_schema.sql") + " "}, []string{p("02_schema.sql")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			files, err := resolveFiles(tc.entries)
			assert.NilError(t, err)
			var got []string
			for _, f := range files {
				got = append(got, f.Path)
			}
			assert.DeepEqual(t, got, tc.want)
		})
	}
}

func TestResolveFilesErrors(t *testing.T) {
	t.Parallel()
	dir := fs.NewDir(t, "seed", fs.WithFile("a.sql", "SELECT 1;"), fs.WithDir("empty"))
	cases := []struct {
		entries []string
		want    string
	}{
		{nil, "no file given: matches no file"},
		{[]string{filepath.Join(dir.Path(), "empty")}, filepath.Join(dir.Path(), "empty") + " matches no file"},
		{[]string{filepath.Join(dir.Path(), "*.psql")}, "*.psql matches no file"},
		{[]string{filepath.Join(dir.Path(), "gone.sql")}, "gone.sql: no such file or directory"},
	}
	for _, tc := range cases {
		_, err := resolveFiles(tc.entries)
		assert.Check(t, is.ErrorContains(err, tc.want), "entries %q", tc.entries)
	}
}

func TestHashFiles(t *testing.T) {
	t.Parallel()
	dir := fs.NewDir(t, "seed", fs.WithFile("a.sql", "SELECT 1;"), fs.WithFile("b.sql", "SELECT 2;"))
	hash := func(names ...string) string {
		t.Helper()
		var entries []string
		for _, n := range names {
			entries = append(entries, filepath.Join(dir.Path(), n))
		}
		files, err := resolveFiles(entries)
		assert.NilError(t, err)
		set, err := hashFiles(files)
		assert.NilError(t, err)
		return set.Hash
	}
	both := hash("a.sql", "b.sql")
	assert.Equal(t, hash("b.sql", "a.sql"), both, "the input order does not matter, the sorted order does")
	assert.Check(t, hash("a.sql") != both)
	assert.NilError(t, os.Rename(filepath.Join(dir.Path(), "b.sql"), filepath.Join(dir.Path(), "c.sql")))
	assert.Check(t, hash("a.sql", "c.sql") != both, "a renamed file changes the hash")
	assert.NilError(t, os.WriteFile(filepath.Join(dir.Path(), "b.sql"), []byte("SELECT 2;"), 0o644))
	assert.Equal(t, hash("a.sql", "b.sql"), both)
	assert.NilError(t, os.WriteFile(filepath.Join(dir.Path(), "b.sql"), []byte("SELECT 3;"), 0o644))
	assert.Check(t, hash("a.sql", "b.sql") != both, "an edit changes the hash")
}

func TestDiff(t *testing.T) {
	t.Parallel()
	before := snapshot{
		Tables: map[string]tableState{
			"empty_kept":    {Def: "CREATE TABLE empty_kept (id int)", Empty: true},
			"empty_filled":  {Def: "CREATE TABLE empty_filled (id int)", Empty: true},
			"empty_altered": {Def: "CREATE TABLE empty_altered (id int)", Empty: true},
			"empty_dropped": {Def: "CREATE TABLE empty_dropped (id int)", Empty: true},
			"full":          {Def: "CREATE TABLE full (id int)"},
		},
		Objects: []string{"view old_view"},
	}
	now := snapshot{
		Tables: map[string]tableState{
			"empty_kept":    {Def: "CREATE TABLE empty_kept (id int)", Empty: true},
			"empty_filled":  {Def: "CREATE TABLE empty_filled (id int)"},
			"empty_altered": {Def: "CREATE TABLE empty_altered (id bigint)", Empty: true},
			"full":          {Def: "CREATE TABLE full (id int)"},
			"new_table":     {Def: "CREATE TABLE new_table (id int)", Empty: true},
		},
		Objects: []string{"procedure p", "trigger tr", "view old_view"},
	}
	assert.DeepEqual(t, diff(before, now), leftover{
		Drop:    []string{"procedure p", "trigger tr", "table new_table"},
		Restore: []string{"empty_altered", "empty_dropped", "empty_filled"},
		Kept:    []string{"full"},
	})
	assert.Check(t, diff(before, before).empty())
}

func TestSize(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 1536: "1.5 KiB", 100 << 20: "100.0 MiB", 3 << 30: "3.0 GiB"} {
		assert.Check(t, is.Equal(size(n), want))
	}
}

// Package history plays one repository's life through psflow: SQL files
// accumulate on main over many pull requests that branch from it as it
// is then, overlap, stack, revert and are pushed again, and each event
// runs the steps the example workflow runs. A Runner runs the steps (the
// psflow binary, or act with the example workflow); the scenarios check
// production's end state.
package history

import (
	"database/sql"
	"maps"
	"slices"
	"testing"

	"github.com/psflow/psflow/pkg/emulator"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// Repo is a repository: main's files, path → content.
type Repo struct {
	main map[string]string
}

// NewRepo returns a repository whose main holds files.
func NewRepo(files map[string]string) *Repo {
	return &Repo{main: maps.Clone(files)}
}

// PR is a pull request: its changes to the files of its base (main, or
// another pull request it is stacked on), path → content, "" deletes.
type PR struct {
	N       int
	base    *PR
	changes map[string]string
	merged  bool
}

// Open opens pull request n on main.
func (r *Repo) Open(n int) *PR { return &PR{N: n, changes: map[string]string{}} }

// Stack opens pull request n on another pull request's branch.
func (r *Repo) Stack(n int, base *PR) *PR {
	return &PR{N: n, base: base, changes: map[string]string{}}
}

// Set changes a file in the pull request.
func (p *PR) Set(path, content string) *PR { p.changes[path] = content; return p }

// Delete removes a file in the pull request.
func (p *PR) Delete(path string) *PR { p.changes[path] = ""; return p }

// Tree is a pull request's checkout: like GitHub's merge ref, main as it is now with the
// changes of the pull request and of its base applied.
func (r *Repo) Tree(p *PR) map[string]string {
	tree := maps.Clone(r.main)
	var chain []*PR
	for q := p; q != nil && !q.merged; q = q.base {
		chain = append(chain, q)
	}
	slices.Reverse(chain)
	for _, q := range chain {
		for path, content := range q.changes {
			if content == "" {
				delete(tree, path)
			} else {
				tree[path] = content
			}
		}
	}
	return tree
}

// Merge merges a pull request into main and returns main's files then.
func (r *Repo) Merge(p *PR) map[string]string {
	r.main = r.Tree(p)
	p.merged = true
	return r.Main()
}

// Main returns main's files.
func (r *Repo) Main() map[string]string { return maps.Clone(r.main) }

// must fails the test unless a job succeeded, and returns its result.
func must(t *testing.T, res Result, what string) Result {
	t.Helper()
	assert.Assert(t, res.OK, "%s failed:\n%s", what, res.Output)
	return res
}

// firstPR pushes a repository's first pull request twice, merges it and writes a row in
// production's rooms, which the history must keep; it returns production's connection.
func firstPR(t *testing.T, em *emulator.Emulator, r Runner, repo *Repo, pr *PR) *sql.DB {
	t.Helper()
	must(t, r.Push(t, pr.N, repo.Tree(pr)), "#1 push")
	res := must(t, r.Push(t, pr.N, repo.Tree(pr)), "#1 push, run again")
	assert.Check(t, is.Contains(res.Output, "result=unchanged"))
	must(t, r.Merge(t, pr.N, repo.Merge(pr)), "#1 merge")
	prod := Production(t, em)
	_, err := prod.Exec("INSERT INTO rooms (id, name) VALUES (100, 'written in production')")
	assert.NilError(t, err)
	return prod
}

package examples

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/psflow/psflow/internal/history"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
)

// TestSchemaHistoryUnderAct plays history.SchemaHistory through the example workflow under act,
// on both storages.
func TestSchemaHistoryUnderAct(t *testing.T) {
	actBinary(t)
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, opts...)
		history.SchemaHistory(t, em, newActHistory(t, em, "app"))
	})
}

// actHistory is a history.Runner running the example workflow under act on one repository,
// whose tree is set to each event's files and committed first.
type actHistory struct {
	a      *actRunner
	gate   *deployGate
	repo   string
	events string
	opened map[int]bool
}

var _ history.Runner = (*actHistory)(nil)

// newActHistory returns a runner against em's database, whose API the
// workflow reaches through a deployGate.
func newActHistory(t *testing.T, em *emulator.Emulator, database string) *actHistory {
	t.Helper()
	a := newActRunner(t, em, database)
	gate := newDeployGate(t, em)
	a.apiURL = gate.url
	return &actHistory{a: a, gate: gate, repo: a.repo(t, map[string]string{}), events: t.TempDir(), opened: map[int]bool{}}
}

// Push runs the workflow for pull request n opened, or pushed again, with
// tree as its merge ref.
func (h *actHistory) Push(t *testing.T, n int, tree map[string]string) history.Result {
	t.Helper()
	sha := h.commit(t, tree)
	action := "synchronize"
	if !h.opened[n] {
		action, h.opened[n] = "opened", true
	}
	return h.run(t, h.event(t, n, action, sha))
}

// Merge runs the workflow for pull request n merged, with tree as main's
// files after the merge.
func (h *actHistory) Merge(t *testing.T, n int, tree map[string]string) history.Result {
	t.Helper()
	return h.run(t, h.event(t, n, "closed", h.commit(t, tree)))
}

// Race runs two merges' jobs at once, each on its own merge commit; the gate, not act's startup
// or step durations, orders the deploys: the second's passes once the first's is queued.
func (h *actHistory) Race(t *testing.T, first, second int, firstTree, secondTree map[string]string) (history.Result, history.Result) {
	t.Helper()
	events := []string{h.event(t, first, "closed", h.commit(t, firstTree)), h.event(t, second, "closed", h.commit(t, secondTree))}
	branches := []string{branchOf(first), branchOf(second)}
	ended := h.gate.start(branches[0], branches[1])
	results := make([]history.Result, 2)
	var wg sync.WaitGroup
	for i := range events {
		wg.Go(func() {
			defer ended(branches[i])
			out, err := h.a.runAbs(t, h.repo, events[i])
			results[i] = history.Result{Output: out, OK: err == nil}
		})
	}
	wg.Wait()
	return results[0], results[1]
}

// run runs the workflow for an event.
func (h *actHistory) run(t *testing.T, event string) history.Result {
	t.Helper()
	out, err := h.a.runAbs(t, h.repo, event)
	return history.Result{Output: out, OK: err == nil}
}

// commit sets the repository's working tree to tree and the example
// workflow, commits it and returns the commit.
func (h *actHistory) commit(t *testing.T, tree map[string]string) string {
	t.Helper()
	entries, err := os.ReadDir(h.repo)
	assert.NilError(t, err)
	for _, e := range entries {
		if e.Name() != ".git" {
			assert.NilError(t, os.RemoveAll(filepath.Join(h.repo, e.Name())))
		}
	}
	files := map[string]string{".github/workflows/planetscale-pr.yml": exampleWorkflow(t)}
	for path, content := range tree {
		files[path] = content
	}
	writeTree(t, h.repo, files)
	return commitAll(t, h.repo)
}

// event writes a pull_request event for act and returns its path.
func (h *actHistory) event(t *testing.T, n int, action, sha string) string {
	t.Helper()
	return prEvent(t, h.events, n, action, action == "closed", sha)
}

// branchOf is the PlanetScale branch of pull request n.
func branchOf(n int) string { return "pr-" + strconv.Itoa(n) }

// prEvent writes a pull_request event for act, whose merge commit is sha,
// and returns its path.
func prEvent(t *testing.T, dir string, number int, action string, merged bool, sha string) string {
	t.Helper()
	state := "open"
	if action == "closed" {
		state = "closed"
	}
	data, err := json.Marshal(map[string]any{
		"action": action, "number": number,
		"pull_request": map[string]any{
			"number": number, "title": fmt.Sprintf("Change %d", number), "state": state, "merged": merged, "merge_commit_sha": sha,
			"html_url": fmt.Sprintf("https://github.com/acme/bookings-api/pull/%d", number),
			"head":     map[string]any{"ref": fmt.Sprintf("feature/change-%d", number)}, "base": map[string]any{"ref": "main"},
		},
		"repository": map[string]any{"full_name": "acme/bookings-api", "name": "bookings-api", "owner": map[string]any{"login": "acme"}},
	})
	assert.NilError(t, err)
	path := filepath.Join(dir, fmt.Sprintf("pr-%d-%s-%s.json", number, action, sha[:12]))
	assert.NilError(t, os.WriteFile(path, data, 0o644))
	return path
}

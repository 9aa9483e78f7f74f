package history

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/psflow/psflow/pkg/emulator"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// burstPRs is how many pull requests merge in the burst and deploy; one
// more merges last and fails.
const burstPRs = 5

// burstTable is the table pull request n adds.
func burstTable(n int) string {
	return fmt.Sprintf("CREATE TABLE burst_%d (\n  id BIGINT NOT NULL,\n  PRIMARY KEY (id)\n);\n", n)
}

// Burst merges five pull requests within a minute, and a sixth whose job times out while
// queued, under em's realistic timings scaled by scale (docs/design/history-tests.md).
func Burst(t *testing.T, em *emulator.Emulator, scale float64) {
	repo := NewRepo(map[string]string{"README.md": "# burst\n"})
	b := NewBinary(em)
	prs := make([]*PR, burstPRs+1)
	for i := range prs {
		prs[i] = repo.Open(i+1).Set(fmt.Sprintf("db/schema/burst_%d.sql", i+1), burstTable(i+1))
		must(t, b.Push(t, i+1, repo.Tree(prs[i])), fmt.Sprintf("#%d push", i+1))
	}
	minute := time.Duration(float64(time.Minute) * scale)
	timeout := time.Duration(float64(time.Hour) * scale).String()
	// The failing job's timeout: under the time one deployment takes, so
	// that it times out behind the others.
	short := (3 * time.Second).String()

	// The jobs overlap as a CI runs them, in goroutines: parallel
	// subtests would run only as many at once as -parallel allows.
	var mu sync.Mutex
	var wg sync.WaitGroup
	results := map[int]Result{}
	for i, pr := range prs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(i) * minute / burstPRs)
			mu.Lock()
			tree := repo.Merge(pr)
			mu.Unlock()
			wait := []string{"--timeout", timeout}
			if i == burstPRs {
				wait = []string{"--timeout", short}
			}
			res := b.MergeWith(t, pr.N, tree, wait...)
			mu.Lock()
			results[pr.N] = res
			mu.Unlock()
		}()
	}
	wg.Wait()
	b.WriteReport(t)

	failed := burstPRs + 1
	for n := 1; n <= burstPRs; n++ {
		must(t, results[n], fmt.Sprintf("#%d merge", n))
	}
	res := results[failed]
	assert.Assert(t, !res.OK, "#%d was meant to time out:\n%s", failed, res.Output)
	assert.Check(t, is.Contains(res.Output, "cancelled its deployment"))
	assert.Check(t, is.Contains(res.Output, "timed out after"))

	drs := burstRequests(t, em)
	var order []queued
	for n, dr := range drs {
		if n == failed {
			continue
		}
		assert.Check(t, !slices.Contains(dr.History, "complete_cancel"), "#%d: %v", n, dr.History)
		order = append(order, queuedAt(t, n, dr))
	}
	slices.SortFunc(order, func(a, b queued) int { return a.queued.Compare(b.queued) })
	for i := 1; i < len(order); i++ {
		assert.Check(t, order[i].started.After(order[i-1].finished) || order[i].started.Equal(order[i-1].finished),
			"#%d started before #%d, queued ahead of it, left the queue", order[i].pr, order[i-1].pr)
	}
	ended := 0
	for _, st := range b.Steps {
		if st.Action == "wait-and-deploy" && strings.Contains(st.Log, "ended the revert window of deploy request") {
			ended++
		}
	}
	assert.Check(t, ended > 0, "no deploy ended the revert window ahead of it")

	// The failed job's deployment was queued, then cancelled; once the
	// queue drains it is still not in production.
	f := drs[failed]
	assert.Check(t, slices.Contains(f.History, "queued"), "#%d: %v", failed, f.History)
	waitForDeployment(t, em, f.Number, "complete_cancel")
	prod := Production(t, em)
	want := repo.Main()
	delete(want, fmt.Sprintf("db/schema/burst_%d.sql", failed))
	name, _ := em.BranchDatabase("app", "main")
	assert.DeepEqual(t, Schema(t, prod), Expected(t, em, want, name))

	// Running the failed job again deploys it.
	must(t, b.MergeWith(t, failed, repo.Main(), "--timeout", timeout), fmt.Sprintf("#%d merge, run again", failed))
	assert.DeepEqual(t, Schema(t, prod), Expected(t, em, repo.Main(), name))
	assert.DeepEqual(t, Branches(em), []string{"main"})
}

// queued is when a deployment joined the deploy queue, left it, and
// ended its run (its revert window began, or it completed).
type queued struct {
	pr                        int
	queued, started, finished time.Time
}

// queuedAt reads a deployment's times from its transitions.
func queuedAt(t *testing.T, pr int, dr emulator.DeployRequestState) queued {
	t.Helper()
	q := queued{pr: pr}
	for _, tr := range dr.Transitions {
		switch tr.State {
		case "queued":
			q.queued = tr.At
		case "submitting":
			q.started = tr.At
		case "complete_pending_revert", "complete":
			if q.finished.IsZero() {
				q.finished = tr.At
			}
		}
	}
	assert.Check(t, !q.queued.IsZero() && !q.started.IsZero() && !q.finished.IsZero(), "#%d: %v", pr, dr.Transitions)
	return q
}

// burstRequests returns app's deploy requests by pull request number.
func burstRequests(t *testing.T, em *emulator.Emulator) map[int]emulator.DeployRequestState {
	t.Helper()
	out := map[int]emulator.DeployRequestState{}
	for _, d := range em.State().Databases {
		if d.Name != "app" {
			continue
		}
		for _, dr := range d.DeployRequests {
			var n int
			_, err := fmt.Sscanf(strings.TrimPrefix(dr.Branch, "pr-"), "%d", &n)
			assert.NilError(t, err)
			out[n] = dr
		}
	}
	return out
}

// waitForDeployment waits until deploy request n of app is in state.
func waitForDeployment(t *testing.T, em *emulator.Emulator, n uint64, state string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		h := em.DeployHistory("app", n)
		if len(h) > 0 && h[len(h)-1] == state {
			return
		}
		assert.Assert(t, time.Now().Before(deadline), "deploy request #%d: %v, want %s", n, h, state)
		time.Sleep(50 * time.Millisecond)
	}
}

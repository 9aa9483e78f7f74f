package reliability

import (
	"fmt"
	"slices"
	"testing"

	"github.com/psflow/psflow/pkg/emulator"
	"gotest.tools/v3/assert"
)

// snapshot is what a scenario's emulator held before the action ran.
type snapshot struct {
	main map[string]string // main's CREATE statements by table
}

func takeSnapshot(t *testing.T, em *emulator.Emulator) snapshot {
	t.Helper()
	return snapshot{main: tables(t, em, "main")}
}

// checkInvariants fails when the emulator holds what no run may leave: an extra branch or
// password, a deploy request deployed or opened twice, or main changed but by the deploy.
func checkInvariants(t *testing.T, em *emulator.Emulator, sc scenario, before snapshot) {
	t.Helper()
	for _, p := range invariantProblems(t, em, sc, before) {
		t.Errorf("invariant: %s", p)
	}
}

func invariantProblems(t *testing.T, em *emulator.Emulator, sc scenario, before snapshot) []string {
	t.Helper()
	var problems []string
	state := em.State()
	assert.Assert(t, len(state.Databases) == 1)
	db := state.Databases[0]
	mainSeen := false
	for _, b := range db.Branches {
		if b.Name == "main" {
			mainSeen = true
			if !b.Production {
				problems = append(problems, "main is no longer a production branch")
			}
		} else if !slices.Contains(sc.keep, b.Name) {
			problems = append(problems, fmt.Sprintf("orphan branch %s", b.Name))
		}
		if n := len(b.Passwords); n > sc.passwords[b.Name] {
			problems = append(problems, fmt.Sprintf("orphan password: branch %s has %d, at most %d expected", b.Name, n, sc.passwords[b.Name]))
		}
	}
	if !mainSeen {
		return append(problems, "main was deleted")
	}
	open := map[string]int{}
	for _, dr := range db.DeployRequests {
		if dr.DeployCalls > 1 {
			problems = append(problems, fmt.Sprintf("deploy request #%d was deployed %d times", dr.Number, dr.DeployCalls))
		}
		if dr.State == "open" {
			open[dr.Branch+" into "+dr.IntoBranch]++
		}
	}
	for pair, n := range open {
		if n > 1 {
			problems = append(problems, fmt.Sprintf("%d open deploy requests from %s", n, pair))
		}
	}
	now := tables(t, em, "main")
	for name, sql := range before.main {
		if now[name] != sql {
			problems = append(problems, fmt.Sprintf("main's table %s changed or vanished: %q", name, now[name]))
		}
	}
	for name := range now {
		if _, ok := before.main[name]; !ok && name != sc.deploys {
			problems = append(problems, fmt.Sprintf("main gained table %s", name))
		}
	}
	return problems
}

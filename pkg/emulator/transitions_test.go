package emulator_test

import (
	"testing"
	"time"

	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// findBranchState returns a branch of database app from a State.
func findBranchState(t *testing.T, s emulator.State, name string) emulator.BranchState {
	t.Helper()
	for _, b := range s.Databases[0].Branches {
		if b.Name == name {
			return b
		}
	}
	t.Fatalf("branch %s not in the state", name)
	return emulator.BranchState{}
}

func TestStateTimestamps(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		timings := emulator.Timings{BranchReady: 300 * time.Millisecond, DiffReady: 50 * time.Millisecond, Queue: 100 * time.Millisecond, RevertWindow: time.Hour}
		e := emulatortest.Start(t, append(opts, emulatortest.WithTimings(timings), emulatortest.WithRateLimit(0))...)
		d := drEnv{e: e, c: client(t, e)}

		before := time.Now()
		_, err := d.c.DatabaseBranches.Create(ctx(t), &ps.CreateDatabaseBranchRequest{Organization: e.Org(), Database: "app", Name: "timed"})
		assert.NilError(t, err)
		after := time.Now()
		b := findBranchState(t, e.State(), "timed")
		assert.Assert(t, b.ReadyAt != nil, "a created branch has a ready time")
		assert.Assert(t, !b.ReadyAt.Before(before.Add(timings.BranchReady)), "ready at %s, created from %s", b.ReadyAt, before)
		assert.Assert(t, !b.ReadyAt.After(after.Add(timings.BranchReady)), "ready at %s, created by %s", b.ReadyAt, after)
		assert.Equal(t, b.Ready, time.Now().After(*b.ReadyAt))

		createTestBranch(t, d.c, e, ps.CreateDatabaseBranchRequest{Database: "app", Name: "change"})
		execAll(t, adminDB(t, e, "app", "change"), "CREATE TABLE t (id INT PRIMARY KEY)")
		opened := time.Now()
		dr := d.open(t, "change", true)
		d.wait(t, dr.Number, "ready")
		_, err = d.deploy(t, dr.Number)
		assert.NilError(t, err)
		d.wait(t, dr.Number, "complete_pending_revert")

		got := e.State().Databases[0].DeployRequests[0]
		assert.Equal(t, len(got.Transitions), len(got.History))
		prev := opened
		for i, tr := range got.Transitions {
			assert.Check(t, is.Equal(tr.State, got.History[i]))
			assert.Check(t, !tr.At.Before(prev), "%s at %s, before the previous state at %s", tr.State, tr.At, prev)
			prev = tr.At
		}
		assert.Check(t, got.Transitions[1].At.Sub(got.Transitions[0].At) >= timings.DiffReady, "the diff took %s", got.Transitions[1].At.Sub(got.Transitions[0].At))
		queued, submitting := got.Transitions[2], got.Transitions[3]
		assert.Equal(t, queued.State, "queued")
		assert.Check(t, submitting.At.Sub(queued.At) >= timings.Queue, "queued for %s", submitting.At.Sub(queued.At))
	})
}

package seedbranch_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// Two runs at once on one branch (a push while the previous workflow still
// runs): the second waits for the first and then finds the files applied.
func TestSeedBranchConcurrentRuns(t *testing.T) {
	emulator.EachStorage(t, func(t *testing.T, opts ...emulator.Option) {
		t.Parallel()
		em := emulator.Start(t, opts...)
		env := newBranch(t, em, "pr-7")
		path := writeFile(t, t.TempDir(), "seed.sql", dump(3, 10, 50))
		runs := make([]actiontest.Run, 2)
		var wg sync.WaitGroup
		for i := range runs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				runs[i] = actiontest.Exec(t, env, "seed-branch", "--branch", "pr-7", "--files", path)
			}()
		}
		wg.Wait()
		skipped := 0
		for _, r := range runs {
			r.Assert(t, icmd.Success)
			if r.Outputs["skipped"] == "true" {
				skipped++
			}
		}
		assert.Equal(t, skipped, 1, "exactly one run loads")
		db := branchDB(t, em, "pr-7")
		assert.DeepEqual(t, queryStrings(t, db, "SELECT COUNT(*) FROM t2"), [][]string{{"500"}})
		assert.Equal(t, len(markerRuns(t, db)), 1)
		assert.Equal(t, len(passwords(t, em, "pr-7")), 0)
	})
}

func TestSeedBranchTimeout(t *testing.T) {
	em := emulator.Start(t)
	env := newBranch(t, em, "pr-8")
	db := branchDB(t, em, "pr-8")
	lock := holdLock(t, db)
	path := writeFile(t, t.TempDir(), "slow.sql", fmt.Sprintf("CREATE TABLE a (id INT PRIMARY KEY);\nSELECT GET_LOCK('%s', 30);\n", lock))

	r := actiontest.Exec(t, env, "seed-branch", "--branch", "pr-8", "--files", path, "--timeout", "1500ms")
	r.Assert(t, icmd.Expected{ExitCode: 3})
	assert.Check(t, is.Contains(r.Stderr(), "timed out after 1.5s seeding branch pr-8 of acme/app: "))
	assert.Equal(t, len(passwords(t, em, "pr-8")), 0, "the password outlived the timeout")
	runs := markerRuns(t, db)
	assert.Equal(t, len(runs), 1)
	assert.Equal(t, runs[0].Status, "failed")
}

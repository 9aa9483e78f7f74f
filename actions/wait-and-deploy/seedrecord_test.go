package waitanddeploy_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/actions/internal/deploycomment/deploytest"
	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// seeded makes branch off main (before either deploys), runs the real
// seed-branch on it with one file holding stmt, which creates
// seed-branch's record `_psflow_seed` in the branch, and opens its deploy
// request with the extra arguments odr.
func seeded(t *testing.T, em *emulator.Emulator, branch, stmt string, odr ...string) {
	t.Helper()
	deploytest.Branch(t, em, branch)
	dir := t.TempDir()
	assert.NilError(t, os.WriteFile(filepath.Join(dir, "001.sql"), []byte(stmt+";\n"), 0o644))
	deploytest.Run(t, em, "seed-branch", branch, "--files", dir)
	_, ok := deploytest.Tables(t, em, branch)["_psflow_seed"]
	assert.Assert(t, ok, "seed-branch left no record in branch %s", branch)
	deploytest.Run(t, em, "open-deploy-request", branch, odr...)
}

// firstDeploys makes pr-1 and pr-2 off main, seeded with one and two,
// deploys pr-1 and returns production's tables.
func firstDeploys(t *testing.T, em *emulator.Emulator, one, two string) map[string]string {
	t.Helper()
	seeded(t, em, "pr-1", one)
	seeded(t, em, "pr-2", two)
	deploytest.Run(t, em, "wait-and-deploy", "pr-1")
	return deploytest.Tables(t, em, "main")
}

// passwords lists the passwords left on a branch.
func passwords(t *testing.T, em *emulator.Emulator, branch string) []*ps.DatabaseBranchPassword {
	t.Helper()
	list, err := actiontest.SDK(t, em).Passwords.List(context.Background(),
		&ps.ListDatabaseBranchPasswordRequest{Organization: em.Org(), Database: deploytest.Database, Branch: branch})
	assert.NilError(t, err)
	return list
}

// Two pull requests branched from one main each run seed-branch, so both
// branches create seed-branch's record. Once the first deploys, the
// second's request conflicts on it: wait-and-deploy drops the record from
// the second's branch, which production has identically, and deploys the
// rest; production ends with both tables and one record.
func TestWaitAndDeployDropsSeedRecordProductionHas(t *testing.T) {
	emulator.EachStorage(t, func(t *testing.T, opts ...emulator.Option) {
		t.Parallel()
		em := emulator.Start(t, opts...)
		main := firstDeploys(t, em, "CREATE TABLE a_things (id BIGINT NOT NULL PRIMARY KEY)", "CREATE TABLE b_things (id BIGINT NOT NULL PRIMARY KEY)")
		for _, name := range []string{"_psflow_seed", "a_things"} {
			_, ok := main[name]
			assert.Check(t, ok, "production lacks %s after the first deploy", name)
		}

		// A push to the second: the request cannot deploy, and both the
		// log and the comment say what wait-and-deploy will do.
		summary := filepath.Join(t.TempDir(), "summary.md")
		odr := actiontest.Exec(t, deploytest.Env(em, nil), "open-deploy-request", "--branch", "pr-2", "--summary-file", summary)
		odr.Assert(t, icmd.Success)
		md, err := os.ReadFile(summary)
		assert.NilError(t, err)
		assert.Check(t, is.Contains(string(md), "> Note: `main` already has seed-branch's record `_psflow_seed`, defined as branch `pr-2` creates it: wait-and-deploy drops it from branch `pr-2` before deploying"))
		assert.Equal(t, odr.Outputs["deployable"], "false")
		assert.Check(t, is.Contains(odr.Stderr(), "main already has seed-branch's record `_psflow_seed`, defined as branch pr-2 creates it: wait-and-deploy drops it from branch pr-2 before deploying"))

		r := actiontest.Exec(t, deploytest.Env(em, nil), "wait-and-deploy", "--branch", "pr-2")
		r.Assert(t, icmd.Success)
		assert.Check(t, is.Contains(r.Stderr(), "its branch creates seed-branch's record `_psflow_seed`, which main has had, defined the same, since after branch pr-2 was made"))
		assert.Check(t, is.Contains(r.Stderr(), "dropped it from branch pr-2, which is deleted after the deploy; the record never deploys twice"))
		assert.Check(t, is.Contains(r.Stderr(), "these are the statements open-deploy-request reported"))
		assert.Equal(t, em.DeployCalls(deploytest.Database, 2), 1)
		main = deploytest.Tables(t, em, "main")
		for _, name := range []string{"users", "_psflow_seed", "a_things", "b_things"} {
			_, ok := main[name]
			assert.Check(t, ok, "production lacks %s", name)
		}
		assert.Equal(t, len(main), 4)
		assert.Check(t, is.Len(passwords(t, em, "pr-2"), 0))
	})
}

// When the second request collides with production on more than the
// record, dropping the record does not make it deployable: exit 4 as for
// any conflict, production untouched, no password left.
func TestWaitAndDeploySeedRecordAndARealConflict(t *testing.T) {
	emulator.EachStorage(t, func(t *testing.T, opts ...emulator.Option) {
		t.Parallel()
		em := emulator.Start(t, opts...)
		before := firstDeploys(t, em, "ALTER TABLE users MODIFY name VARCHAR(300) NOT NULL", "ALTER TABLE users MODIFY name VARCHAR(100) NOT NULL")
		_, ok := before["_psflow_seed"]
		assert.Assert(t, ok)

		r := actiontest.Exec(t, deploytest.Env(em, nil), "wait-and-deploy", "--branch", "pr-2")
		r.Assert(t, icmd.Expected{ExitCode: 4})
		assert.Check(t, is.Contains(r.Stderr(), "dropped it from branch pr-2"))
		assert.Check(t, is.Contains(r.Stderr(), "deploy request #2 of acme/app cannot be deployed: conflict on users"))
		assert.Equal(t, em.DeployCalls(deploytest.Database, 2), 0)
		assert.DeepEqual(t, deploytest.Tables(t, em, "main"), before)
		assert.Check(t, is.Len(passwords(t, em, "pr-2"), 0))
	})
}

// Two seeded pull requests merged at once, before production has the
// record: both wait-and-deploy runs find their requests ready and call
// deploy; the one that comes second is refused, colliding with the first
// queued ahead of it on the record. It waits for that deployment, then
// drops the record from its branch, which production now has, and
// deploys the rest.
func TestWaitAndDeploySeededMergedAtOnce(t *testing.T) {
	emulator.EachStorage(t, func(t *testing.T, opts ...emulator.Option) {
		t.Parallel()
		em := emulator.Start(t, append(opts, emulator.WithTimings(emulator.Timings{Queue: 2 * time.Second}))...)
		seeded(t, em, "pr-1", "CREATE TABLE a_things (id BIGINT NOT NULL PRIMARY KEY)")
		seeded(t, em, "pr-2", "CREATE TABLE b_things (id BIGINT NOT NULL PRIMARY KEY)")
		done := []<-chan actiontest.Run{
			background(t, deploytest.Env(em, map[string]string{"TMPDIR": t.TempDir()}), "--branch", "pr-1"),
			background(t, deploytest.Env(em, map[string]string{"TMPDIR": t.TempDir()}), "--branch", "pr-2"),
		}
		waited := 0
		for i, d := range done {
			r := <-d
			r.Assert(t, icmd.Success)
			branch, other := fmt.Sprintf("pr-%d", i+1), 2-i
			if strings.Contains(r.Stderr(), "waiting for it to finish") {
				waited++
				assert.Check(t, is.Contains(r.Stderr(), fmt.Sprintf("its branch creates seed-branch's record `_psflow_seed`, as deploy request #%d ahead of it in the deploy queue of main does, defined the same", other)))
				assert.Check(t, is.Contains(r.Stderr(), fmt.Sprintf("deploy request #%d ahead of deploy request #%d of acme/app left the deploy queue of main", other, i+1)))
				assert.Check(t, is.Contains(r.Stderr(), fmt.Sprintf("dropped it from branch %s, which is deleted after the deploy", branch)))
			}
			assert.Check(t, is.Len(passwords(t, em, branch), 0))
		}
		assert.Equal(t, waited, 1)
		main := deploytest.Tables(t, em, "main")
		for _, name := range []string{"users", "_psflow_seed", "a_things", "b_things"} {
			_, ok := main[name]
			assert.Check(t, ok, "production lacks %s", name)
		}
		assert.Equal(t, len(main), 4)
	})
}

// When the deployment ahead that also creates the record is cancelled,
// production never gets the record: the run that waited for it deploys
// its request as it is, record and all.
func TestWaitAndDeploySeededAheadCancelled(t *testing.T) {
	emulator.EachStorage(t, func(t *testing.T, opts ...emulator.Option) {
		t.Parallel()
		em := emulator.Start(t, opts...)
		seeded(t, em, "pr-1", "CREATE TABLE a_things (id BIGINT NOT NULL PRIMARY KEY)", "--auto-cutover=false")
		seeded(t, em, "pr-2", "CREATE TABLE b_things (id BIGINT NOT NULL PRIMARY KEY)")
		sdk := actiontest.SDK(t, em)
		_, err := sdk.DeployRequests.Deploy(context.Background(), &ps.PerformDeployRequest{Organization: "acme", Database: "app", Number: 1})
		assert.NilError(t, err)
		deploytest.WaitForState(t, em, 1, "pending_cutover")
		done := background(t, deploytest.Env(em, nil), "--branch", "pr-2", "--timeout", "60s")
		for deadline := time.Now().Add(20 * time.Second); em.DeployCalls(deploytest.Database, 2) == 0; time.Sleep(50 * time.Millisecond) {
			assert.Assert(t, time.Now().Before(deadline), "wait-and-deploy never called deploy")
		}
		// The refused run reads the queue, then polls it while #1 holds it.
		time.Sleep(time.Second)
		_, err = sdk.DeployRequests.CancelDeploy(context.Background(), &ps.CancelDeployRequestRequest{Organization: "acme", Database: "app", Number: 1})
		assert.NilError(t, err)
		r := <-done
		r.Assert(t, icmd.Success)
		assert.Check(t, is.Contains(r.Stderr(), "as deploy request #1 ahead of it in the deploy queue of main does, defined the same: waiting for it to finish"))
		assert.Check(t, is.Contains(r.Stderr(), "deploy request #1 ahead of deploy request #2 of acme/app left the deploy queue of main"))
		assert.Check(t, !strings.Contains(r.Stderr(), "dropped it from branch"))
		assert.Equal(t, em.DeployCalls(deploytest.Database, 2), 2)
		main := deploytest.Tables(t, em, "main")
		for _, name := range []string{"users", "_psflow_seed", "b_things"} {
			_, ok := main[name]
			assert.Check(t, ok, "production lacks %s", name)
		}
		assert.Equal(t, len(main), 3)
		assert.Check(t, is.Len(passwords(t, em, "pr-2"), 0))
	})
}

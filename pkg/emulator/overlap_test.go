package emulator_test

import (
	"strings"
	"testing"

	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// The tests of this file deploy two branches that make some of the same
// changes (blog post "Database branching: three-way merge for schema
// changes": identical or partially overlapping changes are recognised,
// the first deploy consumes them, and index order alone is ignored), and
// check that both deploy and that main has each change once.

// overlapMain gives main a table users and returns an emulator env.
func overlapMain(t *testing.T, opts ...emulatortest.Option) drEnv {
	t.Helper()
	e := emulatortest.Start(t, opts...)
	d := drEnv{e: e, c: client(t, e)}
	execAll(t, adminDB(t, e, "app", "main"), "CREATE TABLE users (id BIGINT NOT NULL PRIMARY KEY, email VARCHAR(100))")
	return d
}

// TestIdenticalChangesAreConsumedByTheFirstDeploy: of two branches making the same change, the
// second deploys at the head of the queue without running it; a third has no changes.
func TestIdenticalChangesAreConsumedByTheFirstDeploy(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		d := overlapMain(t, opts...)
		for _, b := range []string{"pr-a", "pr-b", "pr-c"} {
			d.branchWith(t, b, "ALTER TABLE users ADD COLUMN name VARCHAR(50)", "CREATE INDEX name_idx ON users (name)")
		}
		first := d.wait(t, d.open(t, "pr-a", false).Number, "ready").Number
		_, err := d.deploy(t, first)
		assert.NilError(t, err)
		d.wait(t, first, "pending_cutover")
		second := d.queuedBehind(t, "pr-b", first)

		_, err = d.c.DeployRequests.ApplyDeploy(ctx(t), &ps.ApplyDeployRequestRequest{Organization: d.e.Org(), Database: "app", Number: first})
		assert.NilError(t, err)
		d.wait(t, first, "complete")
		d.wait(t, second, "complete")
		users := d.mainTable(t, "users")
		assert.Equal(t, strings.Count(users, "`name` varchar(50)"), 1, users)
		assert.Equal(t, strings.Count(users, "KEY `name_idx`"), 1, users)

		third := d.open(t, "pr-c", true)
		d.wait(t, third.Number, "no_changes")
	})
}

// TestPartiallyOverlappingChangesDeployTheRest: a branch whose changes main partly has (a column,
// keys added in another order) deploys after the other, running only what main lacks.
func TestPartiallyOverlappingChangesDeployTheRest(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		d := overlapMain(t, opts...)
		d.branchWith(t, "pr-a", "ALTER TABLE users ADD COLUMN name VARCHAR(50)",
			"CREATE INDEX name_idx ON users (name)", "CREATE INDEX email_idx ON users (email)")
		d.branchWith(t, "pr-b", "CREATE INDEX email_idx ON users (email)", "ALTER TABLE users ADD COLUMN name VARCHAR(50)",
			"CREATE INDEX name_idx ON users (name)", "ALTER TABLE users ADD COLUMN age INT")
		opened := d.wait(t, d.open(t, "pr-b", true).Number, "ready")

		d.deployed(t, "pr-a", "complete")
		rest := d.wait(t, opened.Number, "ready")
		assert.Assert(t, rest.Deployment.Deployable, "%s", d.checkErrors(t, rest.Number))
		assert.DeepEqual(t, d.statementsOf(t, rest.Number), []string{"ALTER TABLE `users` ADD COLUMN `age` int"})
		_, err := d.deploy(t, rest.Number)
		assert.NilError(t, err)
		d.wait(t, rest.Number, "complete")

		users := d.mainTable(t, "users")
		for _, part := range []string{"`name` varchar(50)", "`age` int", "KEY `name_idx`", "KEY `email_idx`"} {
			assert.Equal(t, strings.Count(users, part), 1, "%s in %s", part, users)
		}
		assert.Assert(t, is.Contains(users, "`age`"))
	})
}

package seedbranch_test

import (
	"context"
	"testing"

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// A branch keeps its Data Branching rows under the data files, and is recreated from the
// newest backup when production moves.
func TestDataBranching(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, append(opts, emulatortest.WithDataBranching())...)
		main, ok := em.BranchDatabase("app", "main")
		assert.Assert(t, ok)
		hotels := "CREATE TABLE hotels (id INT NOT NULL PRIMARY KEY, name VARCHAR(50) NOT NULL)"
		assert.NilError(t, em.Storage().Exec(context.Background(), main, hotels, "INSERT INTO hotels VALUES (1, 'Hotel California'), (2, 'The Galt House')"))
		actiontest.Backup(t, em, "main")
		env := actiontest.Env(em, "app")
		actiontest.Exec(t, env, "create-branch", "--branch", "pr-1", "--seed-data", "last_successful_backup", "--create-password=false").Assert(t, icmd.Success)

		repo := t.TempDir()
		writeFile(t, repo, "schema/hotels.sql", hotels+";\n")
		writeFile(t, repo, "data/hotels.sql", "REPLACE INTO hotels VALUES (10, 'Seeded');\n")
		seed := func(branch string) actiontest.Run {
			return actiontest.Exec(t, env, "seed-branch", "--branch", branch, "--schema", repo+"/schema", "--data", repo+"/data")
		}
		for range 2 {
			r := seed("pr-1")
			r.Assert(t, icmd.Success)
			assert.Check(t, is.Contains(r.Stderr(), "holds rows from a backup (Data Branching): the data files run on top of them"))
			assert.DeepEqual(t, queryStrings(t, branchDB(t, em, "pr-1"), "SELECT id FROM hotels ORDER BY id"), [][]string{{"1"}, {"2"}, {"10"}})
		}

		// Another pull request adds a table and deploys it; a new backup
		// follows.
		newBranch(t, em, "pr-2")
		writeFile(t, repo, "schema/rooms.sql", "CREATE TABLE rooms (id INT NOT NULL PRIMARY KEY);\n")
		seed("pr-2").Assert(t, icmd.Success)
		actiontest.Exec(t, env, "open-deploy-request", "--branch", "pr-2").Assert(t, icmd.Success)
		actiontest.Exec(t, env, "wait-and-deploy", "--branch", "pr-2", "--revert-window", "skip").Assert(t, icmd.Success)
		actiontest.Backup(t, em, "main")

		r := seed("pr-1")
		r.Assert(t, icmd.Success)
		assert.Check(t, is.Equal(r.Outputs["recreated"], "true"))
		assert.Check(t, is.Equal(r.Outputs["result"], "unchanged"), "the recreated branch lacks production's change: %s", r.Outputs["reason"])
		assert.DeepEqual(t, queryStrings(t, branchDB(t, em, "pr-1"), "SELECT id FROM hotels ORDER BY id"), [][]string{{"1"}, {"2"}, {"10"}})
	})
}

package seedbranch_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// TestSeedBranchCleansLeftoverPasswords: a run deletes a killed run's password and its own,
// and leaves a running run's until it ends (docs/design/actions-branch-passwords.md).
func TestSeedBranchCleansLeftoverPasswords(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, opts...)
		env := actiontest.Env(em, "app")
		out := actiontest.Exec(t, env, "create-branch", "--branch", "pr-1")
		out.Assert(t, icmd.Success)
		c := actiontest.Client(t, em)
		ctx := context.Background()
		mint := func(name string) string {
			cred, err := c.CreatePassword(ctx, "app", "pr-1", name, "admin", time.Hour)
			assert.NilError(t, err)
			return cred.PublicID
		}
		mine := mint("my-laptop")
		killed := mint(fmt.Sprintf("psflow-seed-admin-%d", time.Now().UnixNano()))
		runningCred, err := c.CreatePassword(ctx, "app", "pr-1", fmt.Sprintf("psflow-seed-admin-%d", time.Now().UnixNano()), "admin", time.Hour)
		assert.NilError(t, err)
		running := actiontest.OpenDSN(t, em, runningCred.DSN(true))
		lock, err := running.Conn(ctx)
		assert.NilError(t, err)
		var got sql.NullInt64
		assert.NilError(t, lock.QueryRowContext(ctx, "SELECT GET_LOCK(?, 0)", passwordLock(runningCred.PublicID)).Scan(&got))
		assert.Equal(t, got.Int64, int64(1))

		repo := t.TempDir()
		writeFile(t, repo, "schema/t.sql", "CREATE TABLE t (id INT NOT NULL PRIMARY KEY);\n")
		r := actiontest.Exec(t, env, "seed-branch", "--branch", "pr-1", "--schema", repo+"/schema")
		r.Assert(t, icmd.Success)
		assert.Check(t, is.Contains(r.Stderr(), "deleted psflow's leftover password id "+killed+" of branch pr-1 (admin), left by an earlier run that did not finish"))
		assert.Check(t, is.DeepEqual(ids(passwords(t, em, "pr-1")), sorted(mine, out.Outputs["password_id"], runningCred.PublicID)))

		assert.NilError(t, lock.Close())
		assert.NilError(t, running.Close())
		r = actiontest.Exec(t, env, "seed-branch", "--branch", "pr-1", "--schema", repo+"/schema")
		r.Assert(t, icmd.Success)
		assert.Check(t, is.Contains(r.Stderr(), "deleted psflow's leftover password id "+runningCred.PublicID+" of branch pr-1 (admin)"))
		assert.Check(t, is.DeepEqual(ids(passwords(t, em, "pr-1")), sorted(mine, out.Outputs["password_id"])))
	})
}

// passwordLock is the named lock a seed-branch run holds while its
// password is in use (internal/branchconn).
func passwordLock(id string) string {
	sum := sha256.Sum256([]byte(id))
	return "psflow_pw_" + hex.EncodeToString(sum[:12])
}

func ids(list []emulator.PasswordState) []string {
	var out []string
	for _, p := range list {
		out = append(out, p.ID)
	}
	sort.Strings(out)
	return out
}

func sorted(s ...string) []string {
	sort.Strings(s)
	return s
}

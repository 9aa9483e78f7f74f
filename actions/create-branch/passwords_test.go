package createbranch_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// TestCreateBranchReRunsKeepOnePassword: each re-run replaces the last run's psflow admin
// password, old-style names included, and leaves users' and other roles' passwords alone.
func TestCreateBranchReRunsKeepOnePassword(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, opts...)
		env := actiontest.Env(em, "app")
		actiontest.Exec(t, env, "create-branch", "--branch", "pr-3", "--create-password=false").Assert(t, icmd.Success)
		c := actiontest.Client(t, em)
		ctx := context.Background()
		mine, err := c.CreatePassword(ctx, "app", "pr-3", "my-laptop", "admin", time.Hour)
		assert.NilError(t, err)
		lookalike, err := c.CreatePassword(ctx, "app", "pr-3", "psflow-ci-admin-mine", "admin", time.Hour)
		assert.NilError(t, err)
		legacy, err := c.CreatePassword(ctx, "app", "pr-3", fmt.Sprintf("psflow-pr-3-%d", time.Now().UnixNano()), "admin", time.Hour)
		assert.NilError(t, err)
		reader := actiontest.Exec(t, env, "create-branch", "--branch", "pr-3", "--password-role", "reader")
		reader.Assert(t, icmd.Success)

		var runs []actiontest.Run
		for i := range 3 {
			r := actiontest.Exec(t, env, "create-branch", "--branch", "pr-3")
			r.Assert(t, icmd.Success)
			prev := legacy.PublicID
			if i > 0 {
				prev = runs[i-1].Outputs["password_id"]
			}
			assert.Check(t, is.Contains(r.Stderr(), "replaced psflow's earlier password id "+prev+" of branch pr-3 (admin)"))
			assert.Check(t, !strings.Contains(r.Stderr(), "password id "+reader.Outputs["password_id"]), "the reader password was replaced")
			runs = append(runs, r)
		}

		var got []string
		for _, p := range actiontest.Passwords(t, em, "pr-3") {
			got = append(got, p.ID)
		}
		want := []string{mine.PublicID, lookalike.PublicID, reader.Outputs["password_id"], runs[2].Outputs["password_id"]}
		sort.Strings(got)
		sort.Strings(want)
		assert.Check(t, is.DeepEqual(got, want))

		assert.Check(t, actiontest.OpenDSN(t, em, runs[2].Outputs["dsn"]).Ping())
		for _, r := range runs[:2] {
			assert.Check(t, actiontest.OpenDSN(t, em, r.Outputs["dsn"]).Ping() != nil, "an earlier run's password %s still connects", r.Outputs["password_id"])
		}
		assert.Check(t, actiontest.OpenDSN(t, em, reader.Outputs["dsn"]).Ping())
	})
}

// TestDeleteBranchLeavesNoPassword deletes a branch with psflow's and a
// user's passwords on it: none is left, and none connects.
func TestDeleteBranchLeavesNoPassword(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, opts...)
		env := actiontest.Env(em, "app")
		var dsns []string
		for _, b := range []string{"pr-4", "pr-5"} {
			r := actiontest.Exec(t, env, "create-branch", "--branch", b)
			r.Assert(t, icmd.Success)
			mine, err := actiontest.Client(t, em).CreatePassword(context.Background(), "app", b, "my-laptop", "admin", time.Hour)
			assert.NilError(t, err)
			dsns = append(dsns, r.Outputs["dsn"], mine.DSN(true))
		}
		actiontest.Exec(t, env, "delete-branch", "--branch", "pr-4").Assert(t, icmd.Success)
		actiontest.Exec(t, env, "delete-branch", "--sweep", "--older-than", "1ns").Assert(t, icmd.Success)
		for _, d := range em.State().Databases {
			for _, b := range d.Branches {
				assert.Check(t, is.Len(b.Passwords, 0), "branch %s of %s", b.Name, d.Name)
			}
		}
		for _, b := range []string{"pr-4", "pr-5"} {
			_, err := actiontest.Client(t, em).ListPasswords(context.Background(), "app", b)
			assert.Check(t, is.ErrorContains(err, "not found (HTTP 404"), "branch %s", b)
		}
		for _, dsn := range dsns {
			assert.Check(t, actiontest.OpenDSN(t, em, dsn).Ping() != nil, "a password of a deleted branch still connects")
		}
	})
}

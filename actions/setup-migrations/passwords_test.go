package setupmigrations_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// TestSetupMigrationsDeletesAKilledRunsPassword: the next run deletes a killed run's
// password, whether or not it creates the table, and leaves the user's own.
func TestSetupMigrationsDeletesAKilledRunsPassword(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := start(t, append(opts, emulatortest.WithSafeMigrations())...)
		env := actiontest.Env(em, "app")
		c := actiontest.Client(t, em)
		mint := func(name string) string {
			cred, err := c.CreatePassword(context.Background(), "app", "main", name, "admin", time.Hour)
			assert.NilError(t, err)
			return cred.PublicID
		}
		mine := mint("my-laptop")
		for _, has := range []bool{false, true} {
			killed := mint(fmt.Sprintf("psflow-setup-migrations-admin-%d", time.Now().UnixNano()))
			r := actiontest.Exec(t, env, "setup-migrations")
			r.Assert(t, icmd.Success)
			assert.Check(t, is.Contains(r.Stderr(), "deleted psflow's leftover password id "+killed+" of branch main (admin), left by an earlier run that did not finish"), "table there: %v", has)
			var left []string
			for _, p := range em.State().Databases[0].Branches[0].Passwords {
				left = append(left, p.ID)
			}
			assert.Check(t, is.DeepEqual(left, []string{mine}), "table there: %v", has)
		}
	})
}

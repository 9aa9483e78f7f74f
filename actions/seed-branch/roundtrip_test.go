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

// Onboarding: seed-branch with the schema dump-schema wrote from production changes nothing,
// so the deploy request has no changes.
func TestDumpSchemaRoundTrip(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, opts...)
		main, ok := em.BranchDatabase("app", "main")
		assert.Assert(t, ok)
		assert.NilError(t, em.Storage().Exec(context.Background(), main,
			"CREATE TABLE hotels (id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) NOT NULL, stars FLOAT, UNIQUE KEY name (name))",
			"CREATE TABLE rooms (id BIGINT NOT NULL PRIMARY KEY, hotel_id INT UNSIGNED NOT NULL, note TEXT, CONSTRAINT rooms_hotel FOREIGN KEY (hotel_id) REFERENCES hotels (id))",
			"INSERT INTO hotels (name) VALUES ('Hotel California')",
			"CREATE SQL SECURITY INVOKER VIEW good_hotels AS SELECT id, name FROM hotels WHERE stars >= 4"))
		env := actiontest.Env(em, "app")
		dir := t.TempDir()
		r := actiontest.Exec(t, env, "dump-schema", "--dir", dir)
		r.Assert(t, icmd.Success)

		env = newBranch(t, em, "pr-1")
		r = actiontest.Exec(t, env, "seed-branch", "--branch", "pr-1", "--schema", dir)
		r.Assert(t, icmd.Success)
		assert.Check(t, is.Equal(r.Outputs["result"], "unchanged"), "the dumped schema changed the branch: %s", r.Outputs["reason"])
		assert.Check(t, is.Equal(r.Outputs["changes"], "0"))
		r = actiontest.Exec(t, env, "open-deploy-request", "--branch", "pr-1")
		r.Assert(t, icmd.Success)
		assert.Check(t, is.Equal(r.Outputs["has_changes"], "false"))
		assert.Check(t, is.Equal(r.Outputs["deployment_state"], "no_changes"))
	})
}

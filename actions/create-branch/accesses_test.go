package createbranch_test

import (
	"testing"

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

func TestCreateBranchWithoutTheAccesses(t *testing.T) {
	t.Parallel()
	// Each endpoint takes any one of the accesses the API spec lists for
	// it, so a token lacks what one needs when it has none of them.
	cases := []struct {
		name    string
		missing []string
		want    string
	}{
		{"create_branch", []string{"create_branch", "restore_backup", "restore_production_branch_backup"},
			"create branch pr-7 of acme/app: not found (HTTP 404 not_found): Not Found; " +
				"if it exists, the service token may lack the create_branch access: grant it on database app"},
		{"connect_branch", []string{"connect_branch", "connect_production_branch", "connect_production_read_only_branch"},
			"on branch pr-7 of acme/app: not found (HTTP 404 not_found): Not Found; " +
				"if it exists, the service token may lack the connect_branch (connect_production_branch for a production branch) access"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			em := emulatortest.Start(t, emulatortest.WithTokenAccesses(actiontest.AccessesWithout(c.missing...)...))
			r := actiontest.Exec(t, actiontest.Env(em, "app"), "create-branch", "--branch", "pr-7")
			r.Assert(t, icmd.Expected{ExitCode: 1})
			assert.Check(t, is.Contains(r.Stderr(), c.want))
		})
	}
}

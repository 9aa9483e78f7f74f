package deletebranch_test

import (
	"testing"

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// A token without delete_branch gets 404 for the deletion while the branch stays: the step
// fails and names the access to grant.
func TestDeleteBranchWithoutTheAccess(t *testing.T) {
	t.Parallel()
	em := emulatortest.Start(t, emulatortest.WithTokenAccesses(actiontest.AccessesWithout("delete_branch")...))
	c := actiontest.SDK(t, em)
	createBranches(t, c, "pr-1")
	r := actiontest.Exec(t, actiontest.Env(em, "app"), "delete-branch", "--branch", "pr-1")
	r.Assert(t, icmd.Expected{ExitCode: 1})
	assert.Check(t, is.Contains(r.Stderr(), "delete branch pr-1 of acme/app: not found (HTTP 404 not_found): Not Found; "+
		"if it exists, the service token may lack the delete_branch access: grant it on database app"))
	assert.Equal(t, r.Outputs["deleted"], "")
	assert.DeepEqual(t, branchNames(t, c), []string{"main", "pr-1"})
}

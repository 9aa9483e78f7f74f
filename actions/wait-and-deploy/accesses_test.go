package waitanddeploy_test

import (
	"testing"

	"github.com/psflow/psflow/actions/internal/deploytest"
	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// A token that reads deploy requests but lacks create_deploy_request
// cannot deploy one: the step fails and names the access.
func TestWaitAndDeployWithoutTheAccess(t *testing.T) {
	t.Parallel()
	em := emulatortest.Start(t, emulatortest.WithTokenAccesses(actiontest.AccessesWithout("create_deploy_request")...),
		emulatortest.WithExtraToken("opener", "opener-secret"))
	deploytest.Branch(t, em, "pr-7", postsTable)
	opener := deploytest.Env(em, map[string]string{"PLANETSCALE_SERVICE_TOKEN_ID": "opener", "PLANETSCALE_SERVICE_TOKEN": "opener-secret"})
	open := actiontest.Exec(t, opener, "open-deploy-request", "--branch", "pr-7")
	open.Assert(t, icmd.Success)

	// The opener's review is not this token's: the record comes as an input.
	r := actiontest.Exec(t, deploytest.Env(em, nil), "wait-and-deploy", "--branch", "pr-7", "--comment=false", "--reported-diff", open.Outputs["reported_diff"])
	r.Assert(t, icmd.Expected{ExitCode: 1})
	assert.Check(t, is.Contains(r.Stderr(), "(HTTP 404 not_found): Not Found; "+
		"if it exists, the service token may lack the create_deploy_request access: grant it on database app"))
	assert.Equal(t, em.DeployCalls("app", 1), 0, "the refused call deployed nothing")
}

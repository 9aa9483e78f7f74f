package opendeployrequest_test

import (
	"testing"

	"github.com/psflow/psflow/actions/internal/deploytest"
	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// A token that may not review deploy requests cannot record the report off GitHub: the step
// warns, naming the access, and succeeds with its outputs.
func TestOpenDeployRequestWithoutTheReviewAccess(t *testing.T) {
	t.Parallel()
	em := emulatortest.Start(t, emulatortest.WithTokenAccesses(actiontest.AccessesWithout("review_deploy_request", "approve_deploy_request")...))
	deploytest.Branch(t, em, "pr-31", postsTable)
	r := actiontest.Exec(t, deploytest.GitLabEnv(em, 31), "open-deploy-request")
	r.Assert(t, icmd.Success)
	assert.Check(t, is.Contains(r.Stderr(), "warning: the review recording what open-deploy-request reported was not written: "+
		"comment on deploy request #1 of acme/app: not found (HTTP 404 not_found): Not Found; "+
		"if it exists, the service token may lack the review_deploy_request access: grant it on database app "+
		"(pscale service-token add-access <SERVICE_TOKEN_ID> review_deploy_request --database app); "+
		"wait-and-deploy in another build refuses to deploy the request unless given reported_diff or allow_unchecked"))
	assert.Check(t, is.Contains(r.Outputs["reported_diff"], "v2 dr=1 statements="))
	assert.Equal(t, r.Outputs["deployable"], "true")
	assert.Equal(t, len(deploytest.Reviews(t, em, 1)), 0)
}

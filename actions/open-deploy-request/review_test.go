package opendeployrequest_test

import (
	"testing"

	"github.com/psflow/psflow/actions/internal/deploytest"
	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// The review POST whose answer was lost is resent only if the reviews lack it; one the API
// refuses is a warning naming the access, and the step succeeds.
func TestOpenDeployRequestReviewFailures(t *testing.T) {
	t.Parallel()
	const reviews = "/v1/organizations/acme/databases/app/deploy-requests/1/reviews"
	cases := []struct {
		name    string
		fault   emulator.Fault
		log     string
		written int
	}{
		{
			name:  "dropped",
			fault: emulator.Fault{Method: "POST", Path: reviews, Drop: true, Count: 1},
			log:   "the review of deploy request #1 was not written (comment on deploy request #1 of acme/app: unavailable", written: 1,
		},
		{
			name:  "forbidden",
			fault: emulator.Fault{Method: "POST", Path: reviews, Status: 403},
			log: "warning: the review recording what open-deploy-request reported was not written: comment on deploy request #1 of acme/app: forbidden (HTTP 403 forbidden)" +
				": injected fault fault-1; give the service token this permission on the database (review_deploy_request on database app); " +
				"wait-and-deploy in another build refuses to deploy the request unless given reported_diff or allow_unchecked",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			em := emulatortest.Start(t)
			deploytest.Branch(t, em, "pr-32", postsTable)
			_, err := em.AddFault(c.fault)
			assert.NilError(t, err)
			r := actiontest.Exec(t, deploytest.GitLabEnv(em, 32), "open-deploy-request")
			r.Assert(t, icmd.Success)
			assert.Check(t, is.Contains(r.Stderr(), c.log))
			assert.Equal(t, len(deploytest.Reviews(t, em, 1)), c.written)
			assert.Equal(t, r.Outputs["deployable"], "true")
		})
	}
}

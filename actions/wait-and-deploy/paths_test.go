package waitanddeploy_test

import (
	"context"
	"strings"
	"testing"
	"time"

	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/actions/internal/deploytest"
	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// background runs wait-and-deploy and returns a channel with its result.
func background(t *testing.T, env map[string]string, args ...string) <-chan actiontest.Run {
	done := make(chan actiontest.Run, 1)
	go func() { done <- actiontest.Exec(t, env, "wait-and-deploy", args...) }()
	return done
}

func TestWaitAndDeployCancelledElsewhere(t *testing.T) {
	t.Parallel()
	em := emulatortest.Start(t)
	n := opened(t, em, "pr-3", []string{postsTable}, "--auto-cutover=false")
	done := background(t, deploytest.Env(em, nil), "--number", "1", "--apply-cutover=false", "--timeout", "30s")
	deploytest.WaitForState(t, em, n, "pending_cutover")
	_, err := actiontest.SDK(t, em).DeployRequests.CancelDeploy(context.Background(),
		&ps.CancelDeployRequestRequest{Organization: "acme", Database: "app", Number: n})
	assert.NilError(t, err)
	r := <-done
	r.Assert(t, icmd.Expected{ExitCode: 4})
	assert.Check(t, is.Contains(r.Stderr(),
		"deploy request #1 of acme/app ended in complete_cancel; see https://app.planetscale.com/acme/app/deploy-requests/1"))
	assert.Equal(t, r.Outputs["deployment_state"], "complete_cancel")
	assert.Equal(t, em.DeployCalls("app", n), 1)
	assert.Check(t, deploytest.Tables(t, em, "main")["posts"] == "", "a cancelled change reached main")
}

func TestWaitAndDeployDDLError(t *testing.T) {
	t.Parallel()
	em := emulatortest.Start(t)
	n := opened(t, em, "pr-6", []string{postsTable}, "--auto-cutover=false")
	sdk := actiontest.SDK(t, em)
	_, err := sdk.DeployRequests.Deploy(context.Background(), &ps.PerformDeployRequest{Organization: "acme", Database: "app", Number: n})
	assert.NilError(t, err)
	deploytest.WaitForState(t, em, n, "pending_cutover")
	// Someone creates the table on main directly: the cutover's CREATE fails.
	deploytest.Exec(t, em, "main", "CREATE TABLE posts (id INT NOT NULL, PRIMARY KEY (id))")

	r := actiontest.Exec(t, deploytest.Env(em, nil), "wait-and-deploy", "--branch", "pr-6")
	r.Assert(t, icmd.Expected{ExitCode: 4})
	assert.Check(t, is.Contains(r.Stderr(), "deploy request #1 of acme/app ended in complete_error: "))
	assert.Check(t, is.Contains(r.Stderr(), "; see https://app.planetscale.com/acme/app/deploy-requests/1"))
	assert.Equal(t, r.Outputs["deployment_state"], "complete_error")
	assert.Equal(t, em.DeployCalls("app", n), 1, "a request already deployed is not deployed again")
	assert.Equal(t, em.Counts()[applyPath], 1)
	assert.Check(t, !is.Contains(deploytest.Tables(t, em, "main")["posts"], "title")().Success())
}

func TestWaitAndDeployConcurrentRunsDeployOnce(t *testing.T) {
	t.Parallel()
	em := emulatortest.Start(t)
	n := opened(t, em, "pr-9", []string{postsTable})
	results := deploytest.Concurrently(t, 2, deploytest.Env(em, nil), "wait-and-deploy", "--branch", "pr-9")
	for _, r := range results {
		r.Assert(t, icmd.Success)
		assert.Equal(t, r.Outputs["number"], "1")
	}
	assert.Equal(t, em.DeployCalls("app", n), 1)
	assert.DeepEqual(t, em.DeployHistory("app", n), fullFlow)
	assert.Check(t, deploytest.Tables(t, em, "main")["posts"] != "")
}

// Two runs with no shared host lock both call deploy: the later call is refused,
// and that run reads the state back and follows the one deployment.
func TestWaitAndDeployTwoMachinesDeployOnce(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, append(opts, emulatortest.WithTimings(emulator.Timings{Queue: 4 * time.Second}))...)
		n := opened(t, em, "pr-23", []string{postsTable})
		_, err := em.AddFault(emulator.Fault{Method: "POST", Path: "/v1/organizations/acme/databases/app/deploy-requests/1/deploy", Delay: 2 * time.Second, Count: 2})
		assert.NilError(t, err)
		done := make([]<-chan actiontest.Run, 2)
		for i := range done {
			done[i] = background(t, deploytest.Env(em, map[string]string{"TMPDIR": t.TempDir()}), "--branch", "pr-23")
		}
		refused := 0
		for _, d := range done {
			r := <-d
			r.Assert(t, icmd.Success)
			if strings.Contains(r.Stderr(), "the API refused to deploy deploy request #1 in state ready") {
				refused++
				assert.Check(t, is.Contains(r.Stderr(), "deploy request #1 cannot be deployed in state queued"))
			}
		}
		assert.Equal(t, em.DeployCalls("app", n), 2, "both machines called deploy")
		assert.Equal(t, refused, 1)
		assert.DeepEqual(t, em.DeployHistory("app", n), fullFlow)
		assert.Check(t, deploytest.Tables(t, em, "main")["posts"] != "")
	})
}

func TestWaitAndDeployThroughRateLimitStorm(t *testing.T) {
	t.Parallel()
	em := emulatortest.Start(t)
	n := opened(t, em, "pr-10", []string{postsTable}, "--auto-cutover=false")
	const perMinute = 120
	em.SetRateLimit(perMinute)
	sdk := actiontest.SDK(t, em)
	for range perMinute {
		_, _ = sdk.Organizations.Get(context.Background(), &ps.GetOrganizationRequest{Organization: "acme"})
	}
	r := actiontest.Exec(t, deploytest.Env(em, nil), "wait-and-deploy", "--number", "1")
	r.Assert(t, icmd.Success)
	assert.Check(t, is.Contains(r.Stdout()+r.Stderr(), "429"))
	assert.Equal(t, em.DeployCalls("app", n), 1)
	assert.DeepEqual(t, em.DeployHistory("app", n), gatedFlow)
	assert.Check(t, deploytest.Tables(t, em, "main")["posts"] != "")
	limited := 0
	for _, req := range em.Requests() {
		if req.Status == 429 {
			limited++
		}
	}
	// The waiter slows down once it meets a 429, so a storm shows as a few
	// refusals, not many; what matters is that the run met it and finished.
	assert.Check(t, limited >= 1, "no request was rate limited: the storm did not happen")
}

func TestWaitAndDeployThroughServerErrors(t *testing.T) {
	t.Parallel()
	em := emulatortest.Start(t)
	n := opened(t, em, "pr-11", []string{postsTable}, "--auto-cutover=false")
	const dr = "/v1/organizations/acme/databases/app/deploy-requests/1"
	for _, f := range []emulator.Fault{
		{Method: "GET", Path: dr, Status: 503, Probability: emulator.Chance(0.3)},
		{Method: "POST", Path: dr + "/deploy", Status: 502, Count: 1},
		{Method: "POST", Path: dr + "/apply-deploy", Drop: true, Count: 1},
	} {
		_, err := em.AddFault(f)
		assert.NilError(t, err)
	}
	r := actiontest.Exec(t, deploytest.Env(em, nil), "wait-and-deploy", "--number", "1")
	r.Assert(t, icmd.Success)
	assert.Check(t, is.Contains(r.Stderr(), "still waiting after an API error"))
	assert.Equal(t, em.DeployCalls("app", n), 1)
	assert.Equal(t, em.Counts()[deployPath], 2, "the deploy is sent again after a 502")
	assert.Equal(t, em.Counts()[applyPath], 2, "the cutover is applied again after a dropped answer")
	assert.DeepEqual(t, em.DeployHistory("app", n), gatedFlow)
	assert.Check(t, deploytest.Tables(t, em, "main")["posts"] != "")
}

func TestWaitAndDeployRefusals(t *testing.T) {
	t.Parallel()
	em := emulatortest.Start(t)
	n := opened(t, em, "pr-12", []string{postsTable})
	env := deploytest.Env(em, nil)

	waitOnly := actiontest.Exec(t, env, "wait-and-deploy", "--number", "1", "--deploy=false", "--timeout", "700ms")
	waitOnly.Assert(t, icmd.Expected{ExitCode: 3})
	assert.Check(t, is.Contains(waitOnly.Stderr(), `(last state "ready")`))
	assert.Equal(t, em.DeployCalls("app", n), 0)

	_, err := actiontest.SDK(t, em).DeployRequests.CloseDeploy(context.Background(),
		&ps.CloseDeployRequestRequest{Organization: "acme", Database: "app", Number: n})
	assert.NilError(t, err)
	cases := []struct {
		args []string
		msg  string
	}{
		{[]string{"--number", "1"}, "deploy request #1 of acme/app is closed and was never deployed; open a new one"},
		{[]string{"--branch", "pr-12"}, "branch pr-12 of acme/app has no open or deployed deploy request"},
		{nil, "set number, or branch to use its open deploy request: input branch is required outside a pull request event"},
		{[]string{"--revert-window", "forever", "--number", "1"}, `input revert_window: "forever" is not valid`},
		{[]string{"--number", "1", "--reported-diff", "v1 dr=1"}, `input reported_diff: "v1 dr=1" is not a record written by open-deploy-request`},
	}
	for _, tc := range cases {
		r := actiontest.Exec(t, env, "wait-and-deploy", tc.args...)
		r.Assert(t, icmd.Expected{ExitCode: 2})
		assert.Check(t, is.Contains(r.Stderr(), tc.msg))
	}
	missing := actiontest.Exec(t, env, "wait-and-deploy", "--number", "7")
	missing.Assert(t, icmd.Expected{ExitCode: 1})
	assert.Check(t, is.Contains(missing.Stderr(), "get deploy request #7 of acme/app: not found"))
	assert.Equal(t, em.DeployCalls("app", n), 0)
}

package waitanddeploy_test

import (
	"context"
	"testing"

	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/actions/internal/deploytest"
	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// A request that cannot deploy ends the step with exit 4, saying what collides and
// what to do at the pull request's stage; production is untouched.
func TestWaitAndDeployRefusesWhatCannotDeploy(t *testing.T) {
	const (
		wide   = "ALTER TABLE users MODIFY name VARCHAR(300) NOT NULL"
		narrow = "ALTER TABLE users MODIFY name VARCHAR(100) NOT NULL"
	)
	cases := []struct {
		name   string
		setup  func(t *testing.T, em *emulator.Emulator) // leaves pr-2's request #2 unable to deploy
		merged bool                                      // run on pull request #2's merge
		msg    []string
		calls  int // deploy calls #2 gets
	}{
		{
			name: "conflict with what main got",
			setup: func(t *testing.T, em *emulator.Emulator) {
				opened(t, em, "pr-1", []string{wide})
				opened(t, em, "pr-2", []string{narrow})
				deploytest.Run(t, em, "wait-and-deploy", "pr-1")
			},
			merged: true,
			msg: []string{"deploy request #2 of acme/app cannot be deployed: conflict on users: ",
				"; the schema of main changed since branch pr-2 was created: run seed-branch again with the merged files (it brings pr-2 onto main as it is now), " +
					"then open-deploy-request and wait-and-deploy; re-running this job does all three; see https://app.planetscale.com/acme/app/deploy-requests/2"},
		},
		{
			name: "conflict with what main got, no pull request said",
			setup: func(t *testing.T, em *emulator.Emulator) {
				opened(t, em, "pr-1", []string{wide})
				opened(t, em, "pr-2", []string{narrow})
				deploytest.Run(t, em, "wait-and-deploy", "pr-1")
			},
			msg: []string{"deploy request #2 of acme/app cannot be deployed: conflict on users: ",
				"; the schema of main changed since branch pr-2 was created: run seed-branch again (it brings pr-2 onto main as it is now; " +
					"while the pull request is open, merge its base branch into it first), then open-deploy-request and wait-and-deploy; see https://app.planetscale.com/acme/app/deploy-requests/2"},
		},
		{
			name: "lint error",
			setup: func(t *testing.T, em *emulator.Emulator) {
				opened(t, em, "pr-1", []string{postsTable})
				opened(t, em, "pr-2", []string{"CREATE TABLE events (body TEXT)"})
			},
			merged: true,
			msg: []string{"deploy request #2 of acme/app cannot be deployed: lint error NO_UNIQUE_KEY on `events`",
				"; the merged files have lint errors: fix them in a new pull request, whose branch, made off main as it is then, deploys these changes too; see "},
		},
		{
			name: "conflict with a deployment queued ahead",
			setup: func(t *testing.T, em *emulator.Emulator) {
				opened(t, em, "pr-1", []string{wide}, "--auto-cutover=false")
				opened(t, em, "pr-2", []string{narrow})
				_, err := actiontest.SDK(t, em).DeployRequests.Deploy(context.Background(), &ps.PerformDeployRequest{Organization: "acme", Database: "app", Number: 1})
				assert.NilError(t, err)
				deploytest.WaitForState(t, em, 1, "pending_cutover")
			},
			merged: true,
			msg: []string{"deploy request #2 of acme/app cannot be deployed now: ",
				"conflicts with the deployments queued ahead of it",
				"its changes collide with a deployment queued ahead of it: once that one is done, run seed-branch again with the merged files (it brings pr-2 onto main as it is now), " +
					"then open-deploy-request and wait-and-deploy; re-running this job does all three (see https://app.planetscale.com/acme/app/deploy-requests/2)"},
			calls: 1,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
				t.Parallel()
				em := emulatortest.Start(t, opts...)
				tc.setup(t, em)
				before := deploytest.Tables(t, em, "main")
				env := deploytest.Env(em, nil)
				if tc.merged {
					env["GITHUB_EVENT_PATH"] = actiontest.PullRequestEvent(t, "closed", 2, true)
				}
				r := actiontest.Exec(t, env, "wait-and-deploy", "--branch", "pr-2")
				r.Assert(t, icmd.Expected{ExitCode: 4})
				for _, m := range tc.msg {
					assert.Check(t, is.Contains(r.Stderr(), m))
				}
				assert.Equal(t, em.DeployCalls("app", 2), tc.calls)
				assert.DeepEqual(t, deploytest.Tables(t, em, "main"), before)
			})
		})
	}
}

// A branch that is gone with no request left to follow is a failure (exit
// 1) that says so, not advice to open a deploy request from it.
func TestWaitAndDeployBranchGone(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, opts...)
		opened(t, em, "pr-19", []string{postsTable})
		err := actiontest.SDK(t, em).DatabaseBranches.Delete(context.Background(),
			&ps.DeleteDatabaseBranchRequest{Organization: "acme", Database: "app", Branch: "pr-19"})
		assert.NilError(t, err)
		cases := []struct{ branch, msg string }{
			{"pr-19", "branch pr-19 of acme/app does not exist (deleted, or never created) and has no open or deployed deploy request, so there is nothing to deploy; its deploy request(s) #1 were closed without being deployed"},
			{"pr-20", "branch pr-20 of acme/app does not exist (deleted, or never created) and has no open or deployed deploy request, so there is nothing to deploy"},
		}
		for _, tc := range cases {
			r := actiontest.Exec(t, deploytest.Env(em, nil), "wait-and-deploy", "--branch", tc.branch)
			r.Assert(t, icmd.Expected{ExitCode: 1})
			assert.Check(t, is.Contains(r.Stderr(), tc.msg))
			assert.Check(t, !is.Contains(r.Stderr(), "run open-deploy-request")().Success())
		}
		assert.Equal(t, em.DeployCalls("app", 1), 0)
	})
}

package waitanddeploy_test

import (
	"context"
	"fmt"
	"strconv"
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

const reviewPath = "POST /v1/organizations/{organization}/databases/{database}/deploy-requests/{number}/reviews"

// Without GitHub, wait-and-deploy reads the record from open-deploy-request's review:
// an unreported push is refused, naming what is new, until it is reported.
func TestWaitAndDeployChecksTheReview(t *testing.T) {
	cases := []struct {
		name         string
		open, deploy func(em *emulator.Emulator, n int) map[string]string
		why          string
	}{
		{
			name:   "gitlab",
			open:   deploytest.GitLabEnv,
			deploy: deploytest.GitLabEnv,
			why:    "pull request #%d is on gitlab.com, not on GitHub",
		},
		{
			name: "codebuild with a bitbucket source",
			open: func(em *emulator.Emulator, n int) map[string]string {
				return bitbucketBuild(em, n, "PULL_REQUEST_UPDATED")
			},
			deploy: func(em *emulator.Emulator, n int) map[string]string {
				return bitbucketBuild(em, n, "PULL_REQUEST_MERGED")
			},
			why: "pull request #%d is on bitbucket.org, not on GitHub",
		},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
				t.Parallel()
				n := 60 + i
				branch := "pr-" + strconv.Itoa(n)
				em := emulatortest.Start(t, opts...)
				deploytest.Branch(t, em, branch, postsTable)

				open := actiontest.Exec(t, c.open(em, n), "open-deploy-request")
				open.Assert(t, icmd.Success)
				assert.Check(t, is.Contains(open.Stderr(), fmt.Sprintf("recorded what open-deploy-request reported as a review of deploy request #1 of acme/app, where wait-and-deploy reads it ("+c.why+")", n)))
				reviews := deploytest.Reviews(t, em, 1)
				assert.Assert(t, is.Len(reviews, 1))
				assert.Equal(t, reviews[0].State, "commented")
				assert.Check(t, is.Contains(reviews[0].Body, "open-deploy-request (psflow) reported 1 statement for this deploy request."))
				assert.Check(t, is.Contains(reviews[0].Body, "\n\npsflow reported "+open.Outputs["reported_diff"]+"\n"))
				dr, err := actiontest.SDK(t, em).DeployRequests.Get(context.Background(), &ps.GetDeployRequestRequest{Organization: "acme", Database: "app", Number: 1})
				assert.NilError(t, err)
				assert.Check(t, !dr.Approved, "a comment approves nothing")

				same := actiontest.Exec(t, c.open(em, n), "open-deploy-request")
				same.Assert(t, icmd.Success)
				assert.Check(t, is.Contains(same.Stderr(), "the review of deploy request #1 of acme/app by open-deploy-request already records what it reported"))
				assert.Equal(t, em.Counts()[reviewPath], 1, "a re-run with the same diff adds no review")

				// A push after the report that ran no open-deploy-request.
				deploytest.Exec(t, em, branch, "DROP TABLE users")
				before := deploytest.Tables(t, em, "main")
				refused := actiontest.Exec(t, c.deploy(em, n), "wait-and-deploy")
				refused.Assert(t, icmd.Expected{ExitCode: 4})
				assert.Check(t, is.Contains(refused.Stderr(), "refusing to deploy deploy request #1 of acme/app: it changed since open-deploy-request reported it "+
					"(the review open-deploy-request wrote on deploy request #1 at "))
				assert.Check(t, is.Contains(refused.Stderr(), "): new statements: `DROP TABLE `users``; new destructive changes: drops table `users`; review the change and run open-deploy-request again"))
				assert.Equal(t, em.DeployCalls("app", 1), 0)
				assert.DeepEqual(t, deploytest.Tables(t, em, "main"), before)
				assert.Equal(t, len(deploytest.Reviews(t, em, 1)), 1, "wait-and-deploy writes no review")

				again := actiontest.Exec(t, c.open(em, n), "open-deploy-request")
				again.Assert(t, icmd.Success)
				assert.Check(t, again.Outputs["reported_diff"] != open.Outputs["reported_diff"])
				assert.Equal(t, len(deploytest.Reviews(t, em, 1)), 2, "the changed report is recorded")
				deploy := actiontest.Exec(t, c.deploy(em, n), "wait-and-deploy")
				deploy.Assert(t, icmd.Success)
				assert.Check(t, is.Contains(deploy.Stderr(), "these are the statements open-deploy-request reported (the review open-deploy-request wrote on deploy request #1 at "))
				assert.Equal(t, em.DeployCalls("app", 1), 1)
				tables := deploytest.Tables(t, em, "main")
				assert.Check(t, tables["users"] == "")
				assert.Check(t, tables["posts"] != "")
				for _, r := range []actiontest.Run{open, same, refused, again, deploy} {
					actiontest.AssertNoSecrets(t, r, em.Token())
				}
			})
		})
	}
}

// bitbucketBuild is the environment of a CodeBuild build of pull request
// n of a Bitbucket source, for event.
func bitbucketBuild(em *emulator.Emulator, n int, event string) map[string]string {
	return deploytest.Env(em, map[string]string{
		"CODEBUILD_BUILD_ID": "app-pr:" + strconv.Itoa(n), "CODEBUILD_SOURCE_REPO_URL": "https://bitbucket.org/acme/app.git",
		"CODEBUILD_WEBHOOK_TRIGGER": "pr/" + strconv.Itoa(n), "CODEBUILD_WEBHOOK_EVENT": event,
	})
}

// Without GitHub, a request nobody reported is refused (exit 4), saying why and what
// to do; with allow_unchecked it is deployed with a warning.
func TestWaitAndDeployWithNothingRecorded(t *testing.T) {
	t.Parallel()
	em := emulatortest.Start(t)
	deploytest.Branch(t, em, "pr-9", postsTable)
	_, err := actiontest.SDK(t, em).DeployRequests.Create(context.Background(), &ps.CreateDeployRequestRequest{
		Organization: "acme", Database: "app", Branch: "pr-9", IntoBranch: "main",
	})
	assert.NilError(t, err)
	refused := actiontest.Exec(t, deploytest.Env(em, nil), "wait-and-deploy", "--branch", "pr-9")
	refused.Assert(t, icmd.Expected{ExitCode: 4})
	assert.Check(t, is.Contains(refused.Stderr(), "refusing to deploy deploy request #1 of acme/app: nothing records what open-deploy-request reported about it "+
		"(not a pull request event, and no review of deploy request #1 by service token "+em.TokenID()+" records it); "+
		"run open-deploy-request again so that it records what it reports, pass its reported_diff output as reported_diff, "+
		"or set allow_unchecked: true to deploy the statements above unchecked"))
	assert.Check(t, is.Contains(refused.Stderr(), "deploy request #1 of acme/app deploys 1 statement(s) into main:\n1. CREATE TABLE `posts`"),
		"the statements are logged before the refusal")
	assert.Equal(t, em.DeployCalls("app", 1), 0)

	r := deploytest.Run(t, em, "wait-and-deploy", "pr-9", "--allow-unchecked")
	assert.Check(t, is.Contains(r.Stderr(), "warning: deploy request #1 of acme/app: nothing records what open-deploy-request reported about it "+
		"(not a pull request event, and no review of deploy request #1 by service token "+em.TokenID()+" records it); deploying its statements unchecked (allow_unchecked)"))
	assert.Equal(t, em.DeployCalls("app", 1), 1)
}

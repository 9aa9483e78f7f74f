package opendeployrequest_test

import (
	"context"
	"os"
	"path/filepath"
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

const postsTable = "CREATE TABLE posts (id BIGINT NOT NULL AUTO_INCREMENT, user_id BIGINT NOT NULL, title VARCHAR(200) NOT NULL, PRIMARY KEY (id), KEY posts_user (user_id))"

func TestOpenDeployRequest(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, opts...)
		deploytest.Branch(t, em, "pr-7", postsTable)
		env := deploytest.Env(em, nil)
		summary := filepath.Join(t.TempDir(), "summary.md")

		r := actiontest.Exec(t, env, "open-deploy-request", "--branch", "pr-7", "--summary-file", summary)
		r.Assert(t, icmd.Success)
		out := r.Outputs
		assert.Equal(t, out["number"], "1")
		assert.Check(t, is.Contains(out["url"], "/app/deploy-requests/1"))
		assert.Equal(t, out["deployment_state"], "ready")
		assert.Equal(t, out["has_changes"], "true")
		assert.Equal(t, out["destructive"], "false")
		assert.Check(t, is.Contains(out["diff"], "CREATE TABLE `posts`"))
		assert.Check(t, is.Contains(r.Stderr(), "opened deploy request #1 of acme/app: pr-7 → main"))
		assert.Check(t, is.Contains(r.Stderr(), "notice: no github_token: the pull request comment was not written"))
		actiontest.AssertNoSecrets(t, r, em.Token())
		md, err := os.ReadFile(summary)
		assert.NilError(t, err)
		assert.Check(t, is.Contains(string(md), "```sql\nCREATE TABLE `posts`"))
		assert.Check(t, is.Contains(string(md), "Deployment state: **ready**"))

		again := actiontest.Exec(t, env, "open-deploy-request", "--branch", "pr-7")
		again.Assert(t, icmd.Success)
		assert.Equal(t, again.Outputs["number"], "1")
		assert.Check(t, is.Contains(again.Stderr(), "reusing deploy request #1"))
		assert.Equal(t, em.Counts()["POST /v1/organizations/{organization}/databases/{database}/deploy-requests"], 1)
		assert.DeepEqual(t, em.DeployHistory("app", 1), []string{"pending", "ready"})
	})
}

func TestOpenDeployRequestNoChanges(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, opts...)
		deploytest.Branch(t, em, "pr-8")
		r := actiontest.Exec(t, deploytest.Env(em, nil), "open-deploy-request", "--branch", "pr-8", "--close-if-no-changes")
		r.Assert(t, icmd.Success)
		assert.Equal(t, r.Outputs["deployment_state"], "no_changes")
		assert.Equal(t, r.Outputs["has_changes"], "false")
		assert.Equal(t, r.Outputs["destructive"], "false")
		assert.Equal(t, r.Outputs["diff"], "")
		assert.Check(t, is.Contains(r.Stderr(), "closed deploy request #1 of acme/app: it has no schema changes"))
		dr, err := actiontest.SDK(t, em).DeployRequests.Get(context.Background(), &ps.GetDeployRequestRequest{Organization: "acme", Database: "app", Number: 1})
		assert.NilError(t, err)
		assert.Equal(t, dr.State, "closed")
		assert.Equal(t, em.DeployCalls("app", 1), 0)
	})
}

func TestOpenDeployRequestFailOn(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, opts...)
		deploytest.Branch(t, em, "pr-9",
			"ALTER TABLE users DROP COLUMN bio",
			"ALTER TABLE users MODIFY name VARCHAR(50) NOT NULL",
			"CREATE TABLE audit_log (at DATETIME NOT NULL, line TEXT)")
		env := deploytest.Env(em, nil)
		destructive := []string{"fail_on=destructive: deploy request #1 of acme/app can lose data:",
			"drops column `users`.`bio`", "narrows column `users`.`name` from varchar(255) to varchar(50)"}
		lintError := "fail_on=lint_error: deploy request #1 of acme/app cannot deploy: NO_UNIQUE_KEY on `audit_log`"
		cases := []struct {
			failOn string
			code   int
			msg    []string
		}{
			{"none", 0, []string{"warning: deploy request #1 of acme/app cannot deploy: lint error NO_UNIQUE_KEY on `audit_log`"}},
			{"destructive", 1, destructive},
			{"lint", 1, []string{"fail_on=lint: branch pr-9 of acme/app has 1 schema lint finding(s): NO_UNIQUE_KEY on audit_log"}},
			{"lint_error", 1, []string{lintError, "; fix the lint errors in the files, run seed-branch again (it makes branch pr-9 match them), then open-deploy-request and wait-and-deploy"}},
			{"conflict", 0, []string{"warning: deploy request #1 of acme/app cannot deploy"}},
			{"destructive, lint_error", 1, append([]string{lintError + ": "}, destructive...)},
		}
		for _, tc := range cases {
			summary := filepath.Join(t.TempDir(), "summary.md")
			r := actiontest.Exec(t, env, "open-deploy-request", "--branch", "pr-9", "--fail-on", tc.failOn, "--summary-file", summary)
			r.Assert(t, icmd.Expected{ExitCode: tc.code})
			for _, m := range tc.msg {
				assert.Check(t, is.Contains(r.Stderr(), m), tc.failOn)
			}
			// The outputs and the summary are written before fail_on fails the step.
			assert.Equal(t, r.Outputs["number"], "1")
			assert.Equal(t, r.Outputs["destructive"], "true")
			assert.Equal(t, r.Outputs["deployable"], "false")
			assert.Check(t, is.Contains(r.Outputs["lint_errors"], "NO_UNIQUE_KEY on `audit_log`"))
			assert.Check(t, is.Contains(r.Outputs["diff"], "DROP COLUMN `bio`"))
			md, err := os.ReadFile(summary)
			assert.NilError(t, err)
			assert.Check(t, is.Contains(string(md), "> [!WARNING]\n> **Destructive change**"))
			assert.Check(t, is.Contains(string(md), "> - lint error NO_UNIQUE_KEY on `audit_log`"))
			assert.Check(t, is.Contains(string(md), "| [NO_UNIQUE_KEY]("))
		}
	})
}

func TestOpenDeployRequestRefusesBadTargets(t *testing.T) {
	t.Parallel()
	em := emulatortest.Start(t)
	deploytest.Branch(t, em, "pr-1", postsTable)
	env := deploytest.Env(em, nil)
	cases := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--branch", "main"}, 2, "branch main of acme/app is a production branch"},
		{[]string{"--branch", "pr-1", "--into", "pr-1"}, 2, "branch pr-1 of acme/app cannot be deployed into itself"},
		{[]string{"--branch", "pr-404"}, 1, "branch pr-404 of acme/app does not exist; run create-branch first"},
		{[]string{"--branch", "pr-1", "--fail-on", "always"}, 2, `input fail_on: "always" is not valid; use one or more of none, destructive, lint, conflict, lint_error`},
		{[]string{"--branch", "pr-1", "--fail-on", "conflict,sometimes"}, 2, `input fail_on: "sometimes" is not valid`},
		{nil, 2, "input branch is required outside a pull request event"},
	}
	for _, tc := range cases {
		r := actiontest.Exec(t, env, "open-deploy-request", tc.args...)
		r.Assert(t, icmd.Expected{ExitCode: tc.code})
		assert.Check(t, is.Contains(r.Stderr(), tc.msg))
	}
	assert.Equal(t, em.Counts()["POST /v1/organizations/{organization}/databases/{database}/deploy-requests"], 0)
}

func TestOpenDeployRequestRaceOpensOne(t *testing.T) {
	t.Parallel()
	em := emulatortest.Start(t)
	deploytest.Branch(t, em, "pr-5", postsTable)
	results := deploytest.Concurrently(t, 3, deploytest.Env(em, nil), "open-deploy-request", "--branch", "pr-5", "--comment=false")
	for _, r := range results {
		r.Assert(t, icmd.Success)
		assert.Equal(t, r.Outputs["number"], "1")
	}
	assert.Assert(t, em.DeployHistory("app", 2) == nil, "a second deploy request was opened")
}

func TestOpenDeployRequestReconcilesLostCreate(t *testing.T) {
	t.Parallel()
	em := emulatortest.Start(t)
	deploytest.Branch(t, em, "pr-6", postsTable)
	_, err := em.AddFault(emulator.Fault{Method: "POST", Path: "/v1/organizations/acme/databases/app/deploy-requests", Drop: true, Count: 1})
	assert.NilError(t, err)
	_, err = em.AddFault(emulator.Fault{Method: "GET", Path: "/v1/organizations/acme/databases/app/deploy-requests/1", Status: 503, Count: 2})
	assert.NilError(t, err)
	r := actiontest.Exec(t, deploytest.Env(em, nil), "open-deploy-request", "--branch", "pr-6")
	r.Assert(t, icmd.Success)
	assert.Equal(t, r.Outputs["number"], "1")
	assert.Equal(t, r.Outputs["deployment_state"], "ready")
	assert.Check(t, is.Contains(r.Stderr(), "no deploy request was opened"))
	assert.Equal(t, em.Counts()["POST /v1/organizations/{organization}/databases/{database}/deploy-requests"], 2)
	assert.Assert(t, em.DeployHistory("app", 2) == nil, "a second deploy request was opened")
}

func TestOpenDeployRequestDiffWait(t *testing.T) {
	t.Parallel()
	em := emulatortest.Start(t, emulatortest.WithTimings(emulator.Timings{DiffReady: time.Minute}))
	deploytest.Branch(t, em, "pr-3", postsTable)
	env := deploytest.Env(em, nil)

	r := actiontest.Exec(t, env, "open-deploy-request", "--branch", "pr-3", "--timeout", "600ms")
	r.Assert(t, icmd.Expected{ExitCode: 3})
	assert.Check(t, is.Contains(r.Stderr(), "waiting for the diff of deploy request #1 of acme/app (last state \"pending\")"))
	assert.Equal(t, r.Outputs["number"], "1")
	assert.Equal(t, r.Outputs["deployment_state"], "pending")

	nowait := actiontest.Exec(t, env, "open-deploy-request", "--branch", "pr-3", "--wait-for-diff=false")
	nowait.Assert(t, icmd.Success)
	assert.Equal(t, nowait.Outputs["number"], "1")
	assert.Equal(t, nowait.Outputs["deployment_state"], "pending")
	assert.Equal(t, nowait.Outputs["has_changes"], "")
	assert.Equal(t, nowait.Outputs["diff"], "")
}

// --auto-cutover=false opens a gated request even after an auto cutover: a request that
// leaves auto_cutover out takes the previous one's.
func TestOpenDeployRequestGatedAfterAnAutoCutover(t *testing.T) {
	t.Parallel()
	em := emulatortest.Start(t)
	deploytest.Branch(t, em, "pr-1", postsTable)
	deploytest.Branch(t, em, "pr-2", "CREATE TABLE tags (id BIGINT NOT NULL, PRIMARY KEY (id))")
	env := deploytest.Env(em, nil)
	actiontest.Exec(t, env, "open-deploy-request", "--branch", "pr-1").Assert(t, icmd.Success)
	actiontest.Exec(t, env, "open-deploy-request", "--branch", "pr-2", "--auto-cutover=false").Assert(t, icmd.Success)
	// The gated request stops at pending_cutover when deployed.
	_, err := actiontest.SDK(t, em).DeployRequests.Deploy(context.Background(), &ps.PerformDeployRequest{Organization: "acme", Database: "app", Number: 2})
	assert.NilError(t, err)
	deploytest.WaitForState(t, em, 2, "pending_cutover")
	time.Sleep(200 * time.Millisecond)
	assert.Equal(t, em.DeployHistory("app", 2)[len(em.DeployHistory("app", 2))-1], "pending_cutover")
}

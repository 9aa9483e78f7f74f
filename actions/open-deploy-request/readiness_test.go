package opendeployrequest_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/psflow/psflow/actions/internal/deploytest"
	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// A request that conflicts with what main got since the branch was made is reported, not a
// crash; fail_on conflict exits 1, and once the branch is fixed the request can deploy.
func TestOpenDeployRequestReportsAConflict(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, opts...)
		deploytest.Branch(t, em, "pr-1", "ALTER TABLE users MODIFY name VARCHAR(300) NOT NULL")
		deploytest.Branch(t, em, "pr-2", "ALTER TABLE users MODIFY name VARCHAR(100) NOT NULL", postsTable)
		deploytest.Run(t, em, "open-deploy-request", "pr-1")
		deploytest.Run(t, em, "wait-and-deploy", "pr-1")
		before := deploytest.Tables(t, em, "main")

		cases := []struct {
			failOn string
			code   int
			msg    string
		}{
			{"none", 0, "warning: deploy request #2 of acme/app cannot deploy: conflict on users"},
			{"conflict", 1, "fail_on=conflict: deploy request #2 of acme/app cannot deploy: conflict on users"},
			{"lint_error", 0, "warning: deploy request #2 of acme/app cannot deploy: conflict on users"},
			{"lint_error,conflict", 1, "fail_on=conflict: deploy request #2 of acme/app cannot deploy: conflict on users"},
		}
		for _, tc := range cases {
			summary := filepath.Join(t.TempDir(), "summary.md")
			env := deploytest.Env(em, map[string]string{"GITHUB_EVENT_PATH": actiontest.PullRequestEvent(t, "synchronize", 2, false)})
			r := actiontest.Exec(t, env, "open-deploy-request", "--branch", "pr-2", "--fail-on", tc.failOn, "--summary-file", summary)
			r.Assert(t, icmd.Expected{ExitCode: tc.code})
			assert.Check(t, is.Contains(r.Stderr(), tc.msg), tc.failOn)
			assert.Check(t, is.Contains(r.Stderr(), "; the schema of main changed since branch pr-2 was created: merge main into the pull request and push: "+
				"seed-branch brings pr-2 onto main as it is now"))
			assert.Equal(t, r.Outputs["number"], "2", "the request is reused")
			assert.Equal(t, r.Outputs["deployment_state"], "error")
			assert.Equal(t, r.Outputs["deployable"], "false")
			assert.Check(t, is.Contains(r.Outputs["conflicts"], "conflict on users"))
			assert.Equal(t, r.Outputs["lint_errors"], "")
			assert.Check(t, r.Outputs["reported_diff"] != "")
			md, err := os.ReadFile(summary)
			assert.NilError(t, err)
			assert.Check(t, is.Contains(string(md), "> [!CAUTION]\n> **Cannot deploy**:\n> - conflict on users"))
			assert.Check(t, is.Contains(string(md), "> What to do: the schema of `main` changed since branch `pr-2` was created: merge `main` into the pull request and push"))
			assert.Check(t, is.Contains(string(md), "- Deployable: **no**"))
		}

		// The branch drops its colliding change: the same request follows it.
		deploytest.Exec(t, em, "pr-2", "ALTER TABLE users MODIFY name VARCHAR(255) NOT NULL")
		fixed := deploytest.Run(t, em, "open-deploy-request", "pr-2", "--fail-on", "conflict")
		assert.Equal(t, fixed.Outputs["number"], "2")
		assert.Equal(t, fixed.Outputs["deployment_state"], "ready")
		assert.Equal(t, fixed.Outputs["deployable"], "true")
		assert.Equal(t, fixed.Outputs["conflicts"], "")
		assert.Check(t, is.Contains(fixed.Outputs["diff"], "CREATE TABLE `posts`"))
		assert.Check(t, !is.Contains(fixed.Outputs["diff"], "`name`")().Success(), fixed.Outputs["diff"])
		assert.DeepEqual(t, deploytest.Tables(t, em, "main"), before)
	})
}

// Approval and the deploy queue are reported: required approval missing, then given; one
// deployment ahead, holding the queue in its revert window.
func TestOpenDeployRequestReportsApprovalAndQueue(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, append(opts, emulatortest.WithRequireApproval(),
			emulatortest.WithExtraToken(deploytest.Reviewer.ID, deploytest.Reviewer.Secret),
			emulatortest.WithTimings(emulator.Timings{RevertWindow: time.Hour}))...)
		deploytest.Branch(t, em, "pr-1", postsTable)
		deploytest.Branch(t, em, "pr-2", "CREATE TABLE tags (id BIGINT NOT NULL, PRIMARY KEY (id))")
		first := deploytest.Run(t, em, "open-deploy-request", "pr-1")
		assert.Equal(t, first.Outputs["approval_required"], "true")
		assert.Equal(t, first.Outputs["approved"], "false")
		assert.Equal(t, first.Outputs["queue_ahead"], "0")
		assert.Check(t, is.Contains(first.Stderr(), "deployable yes; approval required, not given yet: a database administrator other than its author approves it on PlanetScale; deploy queue of main: nothing ahead"))
		deploytest.Approve(t, em, 1)
		deploytest.Run(t, em, "wait-and-deploy", "pr-1")

		second := deploytest.Run(t, em, "open-deploy-request", "pr-2")
		assert.Equal(t, second.Outputs["deployable"], "true")
		assert.Equal(t, second.Outputs["approved"], "false")
		assert.Equal(t, second.Outputs["queue_ahead"], "1")
		assert.Check(t, is.Contains(second.Stderr(),
			"deploy queue of main: 1 deployment ahead: #1 is in its revert window (complete_pending_revert) and holds the queue until the revert is skipped"))
		deploytest.Approve(t, em, 2)
		approved := deploytest.Run(t, em, "open-deploy-request", "pr-2")
		assert.Equal(t, approved.Outputs["approved"], "true")
		assert.Check(t, is.Contains(approved.Stderr(), "approval required, given;"))
	})
}

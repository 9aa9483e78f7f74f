package waitanddeploy_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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

const (
	postsTable = "CREATE TABLE posts (id BIGINT NOT NULL AUTO_INCREMENT, title VARCHAR(200) NOT NULL, PRIMARY KEY (id))"
	deployPath = "POST /v1/organizations/{organization}/databases/{database}/deploy-requests/{number}/deploy"
	applyPath  = "POST /v1/organizations/{organization}/databases/{database}/deploy-requests/{number}/apply-deploy"
	skipPath   = "POST /v1/organizations/{organization}/databases/{database}/deploy-requests/{number}/skip-revert"
)

// fullFlow is every state of a deploy that cuts over by itself.
var fullFlow = []string{"pending", "ready", "queued", "submitting", "in_progress", "in_progress_cutover", "complete_pending_revert", "complete"}

// gatedFlow is every state of a deploy whose cutover waits for apply-deploy.
var gatedFlow = []string{"pending", "ready", "queued", "submitting", "in_progress", "pending_cutover", "in_progress_cutover", "complete_pending_revert", "complete"}

// opened makes branch change the schema and opens its deploy request with
// the real open-deploy-request, returning its number.
func opened(t *testing.T, em *emulator.Emulator, branch string, change []string, args ...string) uint64 {
	t.Helper()
	deploytest.Branch(t, em, branch, change...)
	r := actiontest.Exec(t, deploytest.Env(em, nil), "open-deploy-request", append([]string{"--branch", branch}, args...)...)
	r.Assert(t, icmd.Success)
	n, err := strconv.ParseUint(r.Outputs["number"], 10, 64)
	assert.NilError(t, err)
	return n
}

func TestWaitAndDeploy(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, opts...)
		n := opened(t, em, "pr-7", []string{postsTable, "ALTER TABLE users ADD COLUMN email VARCHAR(320)"})
		summary := filepath.Join(t.TempDir(), "summary.md")

		r := actiontest.Exec(t, deploytest.Env(em, nil), "wait-and-deploy", "--branch", "pr-7", "--summary-file", summary)
		r.Assert(t, icmd.Success)
		assert.Equal(t, r.Outputs["number"], "1")
		assert.Check(t, is.Contains(r.Outputs["url"], "/app/deploy-requests/1"))
		assert.Check(t, r.Outputs["deployment_state"] == "complete" || r.Outputs["deployment_state"] == "complete_pending_revert")
		_, err := strconv.ParseFloat(r.Outputs["duration_s"], 64)
		assert.NilError(t, err)
		assert.DeepEqual(t, em.DeployHistory("app", n), fullFlow)
		assert.Equal(t, em.DeployCalls("app", n), 1)
		assert.Check(t, is.Contains(r.Stderr(), "queued the deploy of deploy request #1: now queued"))
		// The statements are logged before the deploy call and checked
		// against the review open-deploy-request left on the request.
		logged := strings.Index(r.Stderr(), "deploy request #1 of acme/app deploys 2 statement(s) into main:\n1. ALTER TABLE")
		assert.Check(t, logged >= 0 && logged < strings.Index(r.Stderr(), "queued the deploy of"), r.Stderr())
		assert.Check(t, is.Contains(r.Stderr(), "\n1. ALTER TABLE `users` ADD COLUMN `email` varchar(320);\n2. CREATE TABLE `posts` ( `id` bigint NOT NULL AUTO_INCREMENT,"))
		assert.Check(t, is.Contains(r.Stderr(), "these are the statements open-deploy-request reported (the review open-deploy-request wrote on deploy request #1 at "))
		assert.Check(t, is.Regexp(`\d\d:\d\d:\d\d\.\d{3}Z deploy request #1 of acme/app: ready \(after`, r.Stderr()))

		tables := deploytest.Tables(t, em, "main")
		assert.Check(t, is.Contains(tables["posts"], "`title` varchar(200) not null"))
		assert.Check(t, is.Contains(tables["users"], "`email` varchar(320)"))

		md, err := os.ReadFile(summary)
		assert.NilError(t, err)
		assert.Check(t, is.Contains(string(md), "| State | At | After |\n|---|---|---|\n| ready |"))
		assert.Check(t, is.Contains(string(md), "**Deployed.**"))
		assert.Check(t, is.Contains(string(md), "**Schema changes** (2 statements):\n\n```sql\n"))
		assert.Check(t, is.Contains(string(md), "ALTER TABLE `users` ADD COLUMN `email` varchar(320);\n"))
		actiontest.AssertNoSecrets(t, r, em.Token())

		// Run again, as a re-run of the merged job would: the request is
		// closed now, so branch follows the deployed one, and number only
		// reports; neither deploys again.
		byBranch := actiontest.Exec(t, deploytest.Env(em, nil), "wait-and-deploy", "--branch", "pr-7")
		byBranch.Assert(t, icmd.Success)
		assert.Check(t, is.Contains(byBranch.Stderr(), "branch pr-7 of acme/app has no open deploy request; following its last deployed request #1"))
		byNumber := actiontest.Exec(t, deploytest.Env(em, nil), "wait-and-deploy", "--number", "1")
		byNumber.Assert(t, icmd.Success)
		assert.Equal(t, em.DeployCalls("app", n), 1)
	})
}

func TestWaitAndDeployNoChanges(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, opts...)
		n := opened(t, em, "pr-8", nil)
		before := deploytest.Tables(t, em, "main")
		r := actiontest.Exec(t, deploytest.Env(em, nil), "wait-and-deploy", "--branch", "pr-8")
		r.Assert(t, icmd.Success)
		assert.Equal(t, r.Outputs["deployment_state"], "no_changes")
		assert.Equal(t, em.DeployCalls("app", n), 0)
		assert.DeepEqual(t, em.DeployHistory("app", n), []string{"pending", "no_changes"})
		assert.DeepEqual(t, deploytest.Tables(t, em, "main"), before)
	})
}

func TestWaitAndDeployGatedCutover(t *testing.T) {
	t.Parallel()
	em := emulatortest.Start(t)
	n := opened(t, em, "pr-2", []string{postsTable}, "--auto-cutover=false")
	r := actiontest.Exec(t, deploytest.Env(em, nil), "wait-and-deploy", "--number", "1")
	r.Assert(t, icmd.Success)
	assert.DeepEqual(t, em.DeployHistory("app", n), gatedFlow)
	assert.Equal(t, em.Counts()[applyPath], 1)
	assert.Check(t, is.Contains(r.Stderr(), "applied the cutover of deploy request #1: now in_progress_cutover"))
	assert.Check(t, is.Contains(deploytest.Tables(t, em, "main")["posts"], "create table `posts`"))
}

func TestWaitAndDeployRevertWindow(t *testing.T) {
	cases := []struct {
		window  string
		timings emulator.Timings
		state   string
		skips   int
	}{
		{"leave", emulator.Timings{RevertWindow: time.Hour}, "complete_pending_revert", 0},
		{"skip", emulator.Timings{RevertWindow: time.Hour}, "complete", 1},
		{"wait", emulator.Timings{RevertWindow: 300 * time.Millisecond}, "complete", 0},
	}
	for _, tc := range cases {
		t.Run(tc.window, func(t *testing.T) {
			t.Parallel()
			em := emulatortest.Start(t, emulatortest.WithTimings(tc.timings))
			n := opened(t, em, "pr-4", []string{postsTable})
			r := actiontest.Exec(t, deploytest.Env(em, nil), "wait-and-deploy", "--number", "1", "--revert-window", tc.window)
			r.Assert(t, icmd.Success)
			assert.Equal(t, r.Outputs["deployment_state"], tc.state)
			assert.Equal(t, em.Counts()[skipPath], tc.skips)
			hist := em.DeployHistory("app", n)
			assert.Equal(t, hist[len(hist)-1], tc.state)
			assert.Check(t, deploytest.Tables(t, em, "main")["posts"] != "")
		})
	}
}

func TestWaitAndDeployTimeout(t *testing.T) {
	cases := []struct {
		name   string
		args   []string
		msg    string
		state  string
		last   string
		cancel int
	}{
		{"leave", []string{"--on-timeout", "leave"}, "; left in state pending_cutover (on_timeout: leave): it goes on without this job", "pending_cutover", "pending_cutover", 0},
		{"cancel", nil, "; cancelled its deployment (now in_progress_cancel, on_timeout: cancel), so that it does not deploy after this job failed", "in_progress_cancel", "complete_cancel", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			em := emulatortest.Start(t)
			n := opened(t, em, "pr-5", []string{postsTable}, "--auto-cutover=false")
			args := append([]string{"--number", "1", "--apply-cutover=false", "--timeout", "6s"}, tc.args...)
			r := actiontest.Exec(t, deploytest.Env(em, nil), "wait-and-deploy", args...)
			r.Assert(t, icmd.Expected{ExitCode: 3})
			assert.Check(t, is.Contains(r.Stderr(), "timed out after"))
			assert.Check(t, is.Contains(r.Stderr(), tc.msg))
			assert.Equal(t, r.Outputs["deployment_state"], tc.state)
			assert.Equal(t, em.Counts()["POST /v1/organizations/{organization}/databases/{database}/deploy-requests/{number}/cancel"], tc.cancel)
			deploytest.WaitForState(t, em, n, tc.last)
			assert.Equal(t, em.Counts()[applyPath], 0)
			assert.Check(t, deploytest.Tables(t, em, "main")["posts"] == "", "the change reached main")
		})
	}
}

// A number that is not of the run's branch (left in an output file by
// another pull request's steps) is refused, and nothing is deployed.
func TestWaitAndDeployRefusesANumberOfAnotherBranch(t *testing.T) {
	t.Parallel()
	em := emulatortest.Start(t)
	n := opened(t, em, "pr-31", []string{postsTable})
	r := actiontest.Exec(t, deploytest.Env(em, nil), "wait-and-deploy", "--number", fmt.Sprint(n), "--branch", "pr-32")
	r.Assert(t, icmd.Expected{ExitCode: 2, Err: "psflow wait-and-deploy: deploy request #1 of acme/app is of branch pr-31, not pr-32"})
	assert.Equal(t, em.DeployCalls("app", n), 0)
}

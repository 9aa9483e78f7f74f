package waitanddeploy_test

import (
	"strings"
	"testing"

	"github.com/psflow/psflow/actions/internal/deploytest"
	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/internal/ghfake"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// pullRequestEnv returns the environment of a run for an event on pull
// request n of acme/app, with gh as GitHub.
func pullRequestEnv(t *testing.T, em *emulator.Emulator, gh *ghfake.Server, n int) func(action string, merged bool) map[string]string {
	return func(action string, merged bool) map[string]string {
		return deploytest.GitHubEnv(t, em, gh, action, n, merged)
	}
}

func TestWaitAndDeployUpdatesTheStickyComment(t *testing.T) {
	t.Parallel()
	em := emulatortest.Start(t)
	deploytest.Branch(t, em, "pr-21", postsTable)
	gh := ghfake.New(t)
	gh.SeedComments("acme", "app", 21, 120, "octocat")
	env := pullRequestEnv(t, em, gh, 21)

	open := actiontest.Exec(t, env("synchronize", false), "open-deploy-request")
	open.Assert(t, icmd.Success)
	assert.Equal(t, gh.Count(ghfake.PatternCreateComment), 1)

	deploy := actiontest.Exec(t, env("closed", true), "wait-and-deploy")
	deploy.Assert(t, icmd.Success)
	assert.Equal(t, em.DeployCalls("app", 1), 1)
	assert.Equal(t, gh.Count(ghfake.PatternCreateComment), 1, "the comment open-deploy-request wrote is reused")
	assert.Equal(t, gh.Count(ghfake.PatternEditComment), 1)
	var sticky []ghfake.Comment
	for _, c := range gh.Comments("acme", "app", 21) {
		if strings.HasPrefix(c.Body, "<!-- psflow:deploy-request:app:pr-21 -->") {
			sticky = append(sticky, c)
		}
	}
	assert.Equal(t, len(sticky), 1)
	body := sticky[0].Body
	assert.Check(t, is.Regexp(`Deployment state: \*\*complete(_pending_revert)?\*\* \(closed\)`, body))
	assert.Check(t, is.Contains(body, "```sql\nCREATE TABLE `posts`"))
	assert.Check(t, is.Contains(body, "| State | At | After |"))
	assert.Check(t, is.Contains(body, "| queued |"))
	assert.Check(t, is.Contains(body, "**Deployed.**"))
	assert.Check(t, is.Contains(deploy.Stderr(), "these are the statements open-deploy-request reported (the pull request comment "))
	for _, r := range []actiontest.Run{open, deploy} {
		actiontest.AssertNoSecrets(t, r, gh.Token, em.Token())
	}
	for _, req := range gh.Requests() {
		if req.Pattern == ghfake.PatternGetUser {
			// GITHUB_TOKEN is an installation token: psflow posts as github-actions[bot].
			assert.Check(t, is.Equal(req.Status, 403))
			continue
		}
		assert.Check(t, req.Status < 300, "%s %s answered %d", req.Method, req.Path, req.Status)
	}
}

// stickyBody is the body of the one sticky comment of branch on pull
// request n.
func stickyBody(t *testing.T, gh *ghfake.Server, n int, branch string) string {
	t.Helper()
	var bodies []string
	for _, c := range gh.Comments("acme", "app", n) {
		if strings.HasPrefix(c.Body, "<!-- psflow:deploy-request:app:"+branch+" -->") {
			bodies = append(bodies, c.Body)
		}
	}
	assert.Equal(t, len(bodies), 1)
	return bodies[0]
}

// On GitHub, a request whose diff changed since the sticky comment's record is
// refused, and so is a re-run, until open-deploy-request reports the change.
func TestWaitAndDeployRefusesWhatThePullRequestDidNotShow(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, opts...)
		deploytest.Branch(t, em, "pr-22", postsTable)
		gh := ghfake.New(t)
		gh.SeedComments("acme", "app", 22, 130, "octocat")
		env := pullRequestEnv(t, em, gh, 22)
		open := actiontest.Exec(t, env("synchronize", false), "open-deploy-request")
		open.Assert(t, icmd.Success)
		record := open.Outputs["reported_diff"]
		assert.Check(t, is.Contains(stickyBody(t, gh, 22, "pr-22"), " "+record+" -->"))

		deploytest.Exec(t, em, "pr-22", "DROP TABLE users")
		for range 2 {
			refused := actiontest.Exec(t, env("closed", true), "wait-and-deploy")
			refused.Assert(t, icmd.Expected{ExitCode: 4})
			assert.Check(t, is.Contains(refused.Stderr(), "refusing to deploy deploy request #1 of acme/app: it changed since open-deploy-request reported it (the pull request comment https://github.com/acme/app/pull/22#issuecomment-"))
			assert.Check(t, is.Contains(refused.Stderr(), "new statements: `DROP TABLE `users``; new destructive changes: drops table `users`"))
			body := stickyBody(t, gh, 22, "pr-22")
			assert.Check(t, is.Contains(body, " "+record+" -->"), "the comment keeps what open-deploy-request reported")
			assert.Check(t, is.Contains(body, "**Not deployed as asked**: refusing to deploy deploy request #1"))
			assert.Check(t, is.Contains(body, "DROP TABLE `users`;"), "the comment shows the statements as they are now")
			actiontest.AssertNoSecrets(t, refused, gh.Token, em.Token())
		}
		assert.Equal(t, em.DeployCalls("app", 1), 0)
		assert.Check(t, deploytest.Tables(t, em, "main")["users"] != "")

		again := actiontest.Exec(t, env("synchronize", false), "open-deploy-request")
		again.Assert(t, icmd.Success)
		deploy := actiontest.Exec(t, env("closed", true), "wait-and-deploy")
		deploy.Assert(t, icmd.Success)
		assert.Check(t, is.Contains(deploy.Stderr(), "these are the statements open-deploy-request reported (the pull request comment https://github.com/acme/app/pull/22#issuecomment-"))
		assert.Equal(t, em.DeployCalls("app", 1), 1)
		assert.Check(t, is.Contains(stickyBody(t, gh, 22, "pr-22"), " "+again.Outputs["reported_diff"]+" -->"))
		assert.Check(t, deploytest.Tables(t, em, "main")["users"] == "")
	})
}

// A sticky comment that cannot be read refuses the deploy (exit 4) and is not
// rewritten; with allow_unchecked the deploy goes ahead with a warning.
func TestWaitAndDeployWhenTheCommentCannotBeRead(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, opts...)
		deploytest.Branch(t, em, "pr-24", postsTable)
		gh := ghfake.New(t)
		gh.AddPull("acme", "app", 24, "open", false)
		env := pullRequestEnv(t, em, gh, 24)
		open := actiontest.Exec(t, env("synchronize", false), "open-deploy-request")
		open.Assert(t, icmd.Success)
		before := stickyBody(t, gh, 24, "pr-24")

		gh.FailNext("GET", "/repos/acme/app/issues/24/comments", 502)
		refused := actiontest.Exec(t, env("closed", true), "wait-and-deploy")
		refused.Assert(t, icmd.Expected{ExitCode: 4})
		assert.Check(t, is.Contains(refused.Stderr(), "refusing to deploy deploy request #1 of acme/app: could not read what open-deploy-request reported about it (list comments on acme/app#24 (page 1): "))
		assert.Check(t, is.Contains(refused.Stderr(), "); run open-deploy-request again so that it records what it reports, pass its reported_diff output as reported_diff, "+
			"or set allow_unchecked: true to deploy the statements above unchecked"))
		assert.Check(t, is.Contains(refused.Stderr(), "warning: the pull request comment was not written: could not read the record"))
		assert.Equal(t, em.DeployCalls("app", 1), 0)
		assert.Equal(t, stickyBody(t, gh, 24, "pr-24"), before, "the comment keeps its record")
		assert.Equal(t, gh.Count(ghfake.PatternEditComment), 0)

		gh.FailNext("GET", "/repos/acme/app/issues/24/comments", 502)
		allowed := actiontest.Exec(t, env("closed", true), "wait-and-deploy", "--allow-unchecked")
		allowed.Assert(t, icmd.Success)
		assert.Check(t, is.Contains(allowed.Stderr(), "warning: deploy request #1 of acme/app: could not read what open-deploy-request reported about it (list comments on acme/app#24 (page 1): "))
		assert.Check(t, is.Contains(allowed.Stderr(), "); deploying its statements unchecked (allow_unchecked)"))
		assert.Equal(t, em.DeployCalls("app", 1), 1)
		assert.Equal(t, stickyBody(t, gh, 24, "pr-24"), before, "the comment keeps its record")
	})
}

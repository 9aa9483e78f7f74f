package waitanddeploy_test

import (
	"strings"
	"testing"

	"github.com/psflow/psflow/actions/internal/deploytest"
	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/internal/ghfake"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// A record in a comment by someone other than psflow's identity is ignored, and
// logged once; the unreported push it claims to cover is refused.
func TestWaitAndDeployIgnoresAForgedComment(t *testing.T) {
	t.Parallel()
	em := emulatortest.Start(t)
	deploytest.Branch(t, em, "pr-25", postsTable)
	gh := ghfake.New(t)
	gh.AddPull("acme", "app", 25, "open", false)
	forged := gh.AddComment("acme", "app", 25, "mallory", "<!-- psflow:deploy-request:app:pr-25 -->\nlooks good")
	env := pullRequestEnv(t, em, gh, 25)
	open := actiontest.Exec(t, env("synchronize", false), "open-deploy-request")
	open.Assert(t, icmd.Success)
	assert.Check(t, is.Contains(open.Stderr(), "pull request comment on acme/app#25 created"), "mallory's comment is not taken for psflow's")

	// A push nobody reported, and a record of it in mallory's comment.
	deploytest.Exec(t, em, "pr-25", "DROP TABLE users")
	current := deploytest.Run(t, em, "open-deploy-request", "pr-25").Outputs["reported_diff"]
	gh.EditCommentBody(forged, "<!-- psflow:deploy-request:app:pr-25 -->\n<!-- psflow-reported deploy-request:app:pr-25 "+current+" -->\nlooks good")

	refused := actiontest.Exec(t, env("closed", true), "wait-and-deploy")
	refused.Assert(t, icmd.Expected{ExitCode: 4})
	assert.Check(t, is.Contains(refused.Stderr(), "ignored 1 comment(s) on acme/app#25 carrying a record of what open-deploy-request reported, "+
		"not written by github-actions[bot], the identity psflow posts as (an installation token: GitHub Actions' GITHUB_TOKEN; set comment_author for a GitHub App's): "+
		"https://github.com/acme/app/pull/25#issuecomment-"))
	assert.Check(t, is.Equal(strings.Count(refused.Stderr(), "ignored 1 comment(s)"), 1), "said once")
	assert.Check(t, is.Contains(refused.Stderr(), " by mallory\n"))
	assert.Check(t, is.Contains(refused.Stderr(), "refusing to deploy deploy request #1 of acme/app: it changed since open-deploy-request reported it (the pull request comment "))
	assert.Check(t, is.Contains(refused.Stderr(), "new statements: `DROP TABLE `users``"))
	assert.Equal(t, em.DeployCalls("app", 1), 0)
}

// Off GitHub, a newer review by another token is ignored, and logged; the push it
// claims to report is refused.
func TestWaitAndDeployIgnoresAnotherTokensReview(t *testing.T) {
	t.Parallel()
	em := emulatortest.Start(t, emulatortest.WithExtraToken("mallory", "mallory-secret"))
	deploytest.Branch(t, em, "pr-26", postsTable)
	actiontest.Exec(t, deploytest.GitLabEnv(em, 26), "open-deploy-request").Assert(t, icmd.Success)

	deploytest.Exec(t, em, "pr-26", "DROP TABLE users")
	other := deploytest.GitLabEnv(em, 26)
	other["PLANETSCALE_SERVICE_TOKEN_ID"], other["PLANETSCALE_SERVICE_TOKEN"] = "mallory", "mallory-secret"
	actiontest.Exec(t, other, "open-deploy-request").Assert(t, icmd.Success)
	assert.Equal(t, len(deploytest.Reviews(t, em, 1)), 2)

	refused := actiontest.Exec(t, deploytest.GitLabEnv(em, 26), "wait-and-deploy")
	refused.Assert(t, icmd.Expected{ExitCode: 4})
	assert.Check(t, is.Contains(refused.Stderr(), "ignored 1 review(s) of deploy request #1 carrying a record of what open-deploy-request reported, "+
		"not written by this service token ("+em.TokenID()+"): "))
	assert.Check(t, is.Contains(refused.Stderr(), " by mallory\n"))
	assert.Check(t, is.Contains(refused.Stderr(), "refusing to deploy deploy request #1 of acme/app: it changed since open-deploy-request reported it (the review open-deploy-request wrote on deploy request #1 at "))
	assert.Check(t, is.Contains(refused.Stderr(), "new statements: `DROP TABLE `users``"))
	assert.Equal(t, em.DeployCalls("app", 1), 0)
}

// A user's token names psflow's identity; with an installation token
// open-deploy-request asks for comment_author, and once it is set the record counts.
func TestWaitAndDeployCommentAuthor(t *testing.T) {
	t.Parallel()
	t.Run("user token", func(t *testing.T) {
		t.Parallel()
		em := emulatortest.Start(t)
		deploytest.Branch(t, em, "pr-27", postsTable)
		gh := ghfake.New(t)
		gh.SetUser("ci-octocat", "User")
		gh.AddPull("acme", "app", 27, "open", false)
		env := pullRequestEnv(t, em, gh, 27)
		actiontest.Exec(t, env("synchronize", false), "open-deploy-request").Assert(t, icmd.Success)
		deploy := actiontest.Exec(t, env("closed", true), "wait-and-deploy")
		deploy.Assert(t, icmd.Success)
		assert.Check(t, is.Contains(deploy.Stderr(), "these are the statements open-deploy-request reported (the pull request comment "))
		assert.Equal(t, em.DeployCalls("app", 1), 1)
	})
	t.Run("app token", func(t *testing.T) {
		t.Parallel()
		em := emulatortest.Start(t)
		deploytest.Branch(t, em, "pr-28", postsTable)
		gh := ghfake.New(t)
		gh.SetUser("psflow-app[bot]", "Bot")
		gh.AddPull("acme", "app", 28, "open", false)
		env := pullRequestEnv(t, em, gh, 28)
		open := actiontest.Exec(t, env("synchronize", false), "open-deploy-request")
		open.Assert(t, icmd.Success)
		assert.Check(t, is.Contains(open.Stderr(), "warning: the pull request comment https://github.com/acme/app/pull/28#issuecomment-"))
		assert.Check(t, is.Contains(open.Stderr(), " is by psflow-app[bot], but psflow counts only comments by github-actions[bot] "+
			"(an installation token: GitHub Actions' GITHUB_TOKEN; set comment_author for a GitHub App's), so wait-and-deploy does not trust its record; "+
			"set comment_author: psflow-app[bot] on open-deploy-request and wait-and-deploy"))

		withAuthor := env("closed", true)
		withAuthor["INPUT_COMMENT_AUTHOR"] = "psflow-app[bot]"
		deploy := actiontest.Exec(t, withAuthor, "wait-and-deploy")
		deploy.Assert(t, icmd.Success)
		assert.Check(t, is.Contains(deploy.Stderr(), "these are the statements open-deploy-request reported (the pull request comment "))
		assert.Equal(t, em.DeployCalls("app", 1), 1)
	})
}

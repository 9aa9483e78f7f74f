package waitanddeploy_test

import (
	"testing"

	"github.com/psflow/psflow/actions/internal/deploytest"
	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// Without GitHub, the reported_diff output (a flag, or the sourced output file) is
// checked: a changed request is refused, naming what is new, unless allow_changed_diff.
func TestWaitAndDeployChecksTheReportedDiff(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, opts...)
		deploytest.Branch(t, em, "pr-14", postsTable)
		open := deploytest.Run(t, em, "open-deploy-request", "pr-14")
		reported := open.Outputs["reported_diff"]
		assert.Check(t, is.Contains(reported, "v2 dr=1 statements="))

		// A push after the report: the request now drops a column too.
		deploytest.Exec(t, em, "pr-14", "ALTER TABLE users DROP COLUMN bio")
		before := deploytest.Tables(t, em, "main")
		sourced := deploytest.Env(em, map[string]string{"PSFLOW_REPORTED_DIFF": reported})
		refused := actiontest.Exec(t, sourced, "wait-and-deploy", "--branch", "pr-14")
		refused.Assert(t, icmd.Expected{ExitCode: 4})
		assert.Check(t, is.Contains(refused.Stderr(), "refusing to deploy deploy request #1 of acme/app: it changed since open-deploy-request reported it (the reported_diff input): "+
			"new statements: `ALTER TABLE `users` DROP COLUMN `bio``; new destructive changes: drops column `users`.`bio`; review the change and run open-deploy-request again"))
		assert.Check(t, is.Contains(refused.Stderr(), "deploy request #1 of acme/app deploys 2 statement(s) into main:\n1. ALTER TABLE `users` DROP COLUMN `bio`;\n2. CREATE TABLE `posts`"),
			"the statements are logged before the refusal")
		assert.Equal(t, refused.Outputs["deployment_state"], "ready")
		assert.Equal(t, em.DeployCalls("app", 1), 0)
		assert.DeepEqual(t, deploytest.Tables(t, em, "main"), before)

		// Reported again, the record follows the branch.
		again := deploytest.Run(t, em, "open-deploy-request", "pr-14")
		assert.Check(t, again.Outputs["reported_diff"] != reported)

		// With the old record, allow_changed_diff deploys what changed, with a warning.
		allowed := actiontest.Exec(t, sourced, "wait-and-deploy", "--branch", "pr-14", "--allow-changed-diff")
		allowed.Assert(t, icmd.Success)
		assert.Check(t, is.Contains(allowed.Stderr(), "warning: deploy request #1 of acme/app changed since open-deploy-request reported it (the reported_diff input): new statements:"))
		assert.Check(t, is.Contains(allowed.Stderr(), "deploying it anyway (allow_changed_diff)"))
		assert.Equal(t, em.DeployCalls("app", 1), 1)
		assert.Check(t, !is.Contains(deploytest.Tables(t, em, "main")["users"], "`bio`")().Success())
	})
}

// The same statements as reported deploy without a word of warning.
func TestWaitAndDeployDeploysWhatWasReported(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, opts...)
		deploytest.Branch(t, em, "pr-15", postsTable)
		open := deploytest.Run(t, em, "open-deploy-request", "pr-15")
		r := deploytest.Run(t, em, "wait-and-deploy", "pr-15", "--reported-diff", open.Outputs["reported_diff"])
		assert.Check(t, is.Contains(r.Stderr(), "these are the statements open-deploy-request reported (the reported_diff input)"))
		assert.Check(t, !is.Contains(r.Stderr(), "warning")().Success())
		assert.Equal(t, em.DeployCalls("app", 1), 1)
	})
}

// A refusal names the statements added and those reported but no longer
// in the request, each cut to its first characters.
func TestWaitAndDeployNamesWhatWasAddedAndRemoved(t *testing.T) {
	t.Parallel()
	em := emulatortest.Start(t)
	deploytest.Branch(t, em, "pr-15", postsTable)
	reported := deploytest.Run(t, em, "open-deploy-request", "pr-15").Outputs["reported_diff"]

	// A push after the report replaces the new table by another.
	deploytest.Exec(t, em, "pr-15", "DROP TABLE posts",
		"CREATE TABLE comments (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, body_of_the_comment_as_written TEXT NOT NULL, author_id BIGINT NOT NULL)")
	refused := actiontest.Exec(t, deploytest.Env(em, nil), "wait-and-deploy", "--branch", "pr-15", "--reported-diff", reported)
	refused.Assert(t, icmd.Expected{ExitCode: 4})
	assert.Check(t, is.Contains(refused.Stderr(), "refusing to deploy deploy request #1 of acme/app: it changed since open-deploy-request reported it (the reported_diff input): "+
		"new statements: `CREATE TABLE `comments` ( `id` bigint NOT NULL AUTO_INCREMEN…`; "+
		"reported statements no longer in it: `CREATE TABLE `posts` ( `id` bigint NOT NULL AUTO_INCREMENT, …`; "+
		"review the change and run open-deploy-request again"))
	assert.Equal(t, em.DeployCalls("app", 1), 0)
}

// A request left with fewer statements, each reported, because a deploy ahead made
// the same change, deploys with a warning naming what is gone.
func TestWaitAndDeployDeploysWhatIsLeftOfTheReport(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, opts...)
		const tags = "CREATE TABLE tags (id BIGINT NOT NULL, PRIMARY KEY (id))"
		deploytest.Branch(t, em, "pr-15", postsTable, tags)
		reported := deploytest.Run(t, em, "open-deploy-request", "pr-15").Outputs["reported_diff"]
		deploytest.Exec(t, em, "main", tags)

		r := actiontest.Exec(t, deploytest.Env(em, nil), "wait-and-deploy", "--branch", "pr-15", "--reported-diff", reported)
		r.Assert(t, icmd.Success)
		assert.Check(t, is.Contains(r.Stderr(), "warning: deploy request #1 of acme/app holds fewer statements than open-deploy-request reported (the reported_diff input): "+
			"reported statements no longer in it: `CREATE TABLE `tags`"))
		assert.Equal(t, em.DeployCalls("app", 1), 1)
		assert.Check(t, deploytest.Tables(t, em, "main")["posts"] != "")
	})
}

package opendeployrequest_test

import (
	"context"
	"strings"
	"testing"

	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/actions/internal/deploytest"
	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/internal/ghfake"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// githubEnv is the environment of a pull_request run for pull request n
// of acme/app against gh.
func githubEnv(t *testing.T, em *emulator.Emulator, gh *ghfake.Server, n int) map[string]string {
	return deploytest.GitHubEnv(t, em, gh, "synchronize", n, false)
}

// marked returns the comments carrying the deploy request marker of
// app/branch.
func marked(gh *ghfake.Server, n int, branch string) []ghfake.Comment {
	var out []ghfake.Comment
	for _, c := range gh.Comments("acme", "app", n) {
		if strings.HasPrefix(c.Body, "<!-- psflow:deploy-request:app:"+branch+" -->\n") {
			out = append(out, c)
		}
	}
	return out
}

// recordLine returns the hidden line of a comment that records what was
// reported.
func recordLine(body string) string {
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, "<!-- psflow-reported ") {
			return line
		}
	}
	return ""
}

func TestOpenDeployRequestStickyComment(t *testing.T) {
	t.Parallel()
	em := emulatortest.Start(t)
	deploytest.Branch(t, em, "pr-42", postsTable)
	gh := ghfake.New(t)
	gh.SeedComments("acme", "app", 42, 250, "octocat")
	env := githubEnv(t, em, gh, 42)

	first := actiontest.Exec(t, env, "open-deploy-request")
	first.Assert(t, icmd.Success)
	assert.Equal(t, gh.Count(ghfake.PatternCreateComment), 1)
	assert.Equal(t, gh.Count(ghfake.PatternListComments), 3, "every page is searched before creating")
	comments := marked(gh, 42, "pr-42")
	assert.Equal(t, len(comments), 1)
	id := comments[0].ID
	assert.Check(t, is.Contains(comments[0].Body, "```sql\nCREATE TABLE `posts`"))
	assert.Check(t, is.Contains(comments[0].Body, "[#1](https://app.planetscale.com/acme/app/deploy-requests/1)"))
	assert.Check(t, is.Contains(first.Stderr(), "pull request comment on acme/app#42 created"))
	record := recordLine(comments[0].Body)
	assert.Check(t, strings.HasPrefix(record, "<!-- psflow-reported deploy-request:app:pr-42 v2 dr=1 statements="), comments[0].Body)
	assert.Check(t, is.Contains(record, " "+first.Outputs["reported_diff"]+" -->"), "the comment records what the output says")
	assert.Check(t, is.Contains(comments[0].Body, "- Deployable: **yes**\n- Approval: not required\n- Deploy queue of `main`: nothing ahead\n"))
	dr, err := actiontest.SDK(t, em).DeployRequests.Get(context.Background(), &ps.GetDeployRequestRequest{Organization: "acme", Database: "app", Number: 1})
	assert.NilError(t, err)
	assert.Equal(t, dr.Notes, "Change 42\n\nhttps://github.com/acme/app/pull/42")

	same := actiontest.Exec(t, env, "open-deploy-request")
	same.Assert(t, icmd.Success)
	assert.Check(t, is.Contains(same.Stderr(), "pull request comment on acme/app#42 unchanged"))
	assert.Equal(t, gh.Count(ghfake.PatternEditComment), 0, "an unchanged comment is not edited")

	deploytest.Exec(t, em, "pr-42", "ALTER TABLE users DROP COLUMN bio")
	changed := actiontest.Exec(t, env, "open-deploy-request")
	changed.Assert(t, icmd.Success)
	assert.Equal(t, changed.Outputs["destructive"], "true")
	assert.Equal(t, gh.Count(ghfake.PatternEditComment), 1)
	assert.Equal(t, gh.Count(ghfake.PatternCreateComment), 1)
	comments = marked(gh, 42, "pr-42")
	assert.Equal(t, len(comments), 1)
	assert.Equal(t, comments[0].ID, id, "the comment on page 3 is edited in place")
	assert.Check(t, is.Contains(comments[0].Body, "drops column `users`.`bio`"))
	assert.Check(t, recordLine(comments[0].Body) != record, "the record follows the branch")

	deploytest.Exec(t, em, "pr-42", "DROP TABLE posts", "ALTER TABLE users ADD COLUMN bio TEXT")
	none := actiontest.Exec(t, env, "open-deploy-request")
	none.Assert(t, icmd.Success)
	assert.Equal(t, none.Outputs["deployment_state"], "no_changes")
	comments = marked(gh, 42, "pr-42")
	assert.Equal(t, len(comments), 1)
	assert.Equal(t, comments[0].ID, id)
	assert.Check(t, is.Contains(comments[0].Body, "**No schema changes**: branch `pr-42` has nothing to deploy into `main`."))
	assert.Check(t, !strings.Contains(comments[0].Body, "```sql"), "the note replaces the diff")
	assert.Equal(t, len(gh.Comments("acme", "app", 42)), 251)

	for _, r := range []actiontest.Run{first, same, changed, none} {
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

func TestOpenDeployRequestCommentIsBestEffort(t *testing.T) {
	t.Parallel()
	em := emulatortest.Start(t)
	deploytest.Branch(t, em, "pr-43", postsTable)
	gh := ghfake.New(t)
	gh.AddPull("acme", "app", 43, "open", false)
	env := githubEnv(t, em, gh, 43)

	gh.FailNext("POST", "/repos/acme/app/issues/43/comments", 403)
	failed := actiontest.Exec(t, env, "open-deploy-request")
	failed.Assert(t, icmd.Success)
	assert.Check(t, is.Contains(failed.Stderr(), "warning: the pull request comment was not written: create comment on acme/app#43"))
	assert.Equal(t, failed.Outputs["number"], "1")

	noToken := map[string]string{}
	for k, v := range env {
		noToken[k] = v
	}
	delete(noToken, "INPUT_GITHUB_TOKEN")
	skipped := actiontest.Exec(t, noToken, "open-deploy-request")
	skipped.Assert(t, icmd.Success)
	assert.Check(t, is.Contains(skipped.Stderr(), "notice: no github_token"))
	assert.Check(t, is.Contains(skipped.Stderr(), "(set --github-token or PSFLOW_GITHUB_TOKEN to a token that may write pull request comments)"))

	noEvent := deploytest.Env(em, map[string]string{"INPUT_GITHUB_TOKEN": gh.Token, "GITHUB_API_URL": gh.URL()})
	outside := actiontest.Exec(t, noEvent, "open-deploy-request", "--branch", "pr-43")
	outside.Assert(t, icmd.Success)
	assert.Check(t, is.Contains(outside.Stderr(), "notice: not a pull request event"))

	off := actiontest.Exec(t, env, "open-deploy-request", "--comment=false")
	off.Assert(t, icmd.Success)
	assert.Equal(t, gh.Count(ghfake.PatternCreateComment), 1, "only the failed attempt reached GitHub")
	assert.Equal(t, len(marked(gh, 43, "pr-43")), 0)
	for _, r := range []actiontest.Run{failed, skipped, outside, off} {
		actiontest.AssertNoSecrets(t, r, gh.Token, em.Token())
	}
}

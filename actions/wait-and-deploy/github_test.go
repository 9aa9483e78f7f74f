package waitanddeploy_test

import (
	"strings"
	"testing"

	"github.com/psflow/psflow/actions/internal/deploycomment/deploytest"
	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/internal/ghfake"
	"github.com/psflow/psflow/pkg/emulator"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

func TestWaitAndDeployUpdatesTheStickyComment(t *testing.T) {
	t.Parallel()
	em := emulator.Start(t)
	deploytest.Branch(t, em, "pr-21", postsTable)
	gh := ghfake.New(t)
	gh.SeedComments("acme", "app", 21, 120, "octocat")
	env := func(action string, merged bool) map[string]string {
		return deploytest.Env(em, map[string]string{
			"GITHUB_REPOSITORY":  "acme/app",
			"GITHUB_API_URL":     gh.URL(),
			"INPUT_GITHUB_TOKEN": gh.Token,
			"GITHUB_EVENT_PATH":  actiontest.PullRequestEvent(t, action, 21, merged),
		})
	}

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
	for _, r := range []actiontest.Run{open, deploy} {
		actiontest.AssertNoSecrets(t, r, gh.Token, em.Token())
	}
	for _, req := range gh.Requests() {
		assert.Check(t, req.Status < 300, "%s %s answered %d", req.Method, req.Path, req.Status)
	}
}

package opendeployrequest_test

import (
	"context"
	"strconv"
	"testing"

	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/actions/internal/deploytest"
	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/internal/ghfake"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// TestOpenDeployRequestCommentsWhereThePullRequestIsOnGitHub: any CI building a GitHub pull
// request writes the sticky comment; elsewhere the step says why not and reviews instead.
func TestOpenDeployRequestCommentsWhereThePullRequestIsOnGitHub(t *testing.T) {
	t.Parallel()
	em := emulatortest.Start(t)
	gh := ghfake.New(t)
	cases := []struct {
		name    string
		number  int
		vars    map[string]string
		notes   string
		notice  string
		noToken bool
	}{
		{
			name: "codebuild with a github source", number: 44,
			vars:  actiontest.CodeBuildPullRequest("acme/app", 44, "PULL_REQUEST_UPDATED"),
			notes: "https://github.com/acme/app/pull/44",
		},
		{
			name: "jenkins", number: 45,
			vars: map[string]string{
				"JENKINS_URL": "https://ci.example/", "CHANGE_ID": "45", "CHANGE_TITLE": "Add posts",
				"CHANGE_URL": "https://github.com/acme/app/pull/45", "CHANGE_BRANCH": "feature/y", "CHANGE_TARGET": "main",
			},
			notes: "Add posts\n\nhttps://github.com/acme/app/pull/45",
		},
		{
			name: "codebuild with a bitbucket source", number: 46,
			vars: map[string]string{
				"CODEBUILD_BUILD_ID": "app-pr:2", "CODEBUILD_SOURCE_REPO_URL": "https://bitbucket.org/acme/app.git",
				"CODEBUILD_WEBHOOK_TRIGGER": "pr/46", "CODEBUILD_WEBHOOK_EVENT": "PULL_REQUEST_CREATED",
			},
			notice: "notice: pull request #46 is on bitbucket.org, not on GitHub: the pull request comment was not written",
		},
		{
			name: "gitlab", number: 47,
			vars: map[string]string{
				"GITLAB_CI": "true", "CI_SERVER_HOST": "gitlab.com", "CI_MERGE_REQUEST_IID": "47", "CI_MERGE_REQUEST_TITLE": "Add posts",
				"CI_MERGE_REQUEST_PROJECT_PATH": "acme/app", "CI_MERGE_REQUEST_PROJECT_URL": "https://gitlab.com/acme/app",
			},
			notes:  "Add posts\n\nhttps://gitlab.com/acme/app/-/merge_requests/47",
			notice: "notice: pull request #47 is on gitlab.com, not on GitHub: the pull request comment was not written",
		},
		{
			name: "gitlab without a token", number: 49, noToken: true,
			vars: map[string]string{
				"GITLAB_CI": "true", "CI_SERVER_HOST": "gitlab.com", "CI_MERGE_REQUEST_IID": "49", "CI_MERGE_REQUEST_PROJECT_PATH": "acme/app",
			},
			notice: "notice: pull request #49 is on gitlab.com, not on GitHub: the pull request comment was not written",
		},
		{
			name: "azure repos without a repository", number: 48,
			vars:   map[string]string{"TF_BUILD": "True", "BUILD_REASON": "PullRequest", "SYSTEM_PULLREQUEST_PULLREQUESTID": "48"},
			notice: "notice: Azure Pipelines does not say which repository pull request #48 is in: the pull request comment was not written",
		},
	}
	for _, c := range cases {
		deploytest.Branch(t, em, "pr-"+strconv.Itoa(c.number), postsTable)
		gh.AddPull("acme", "app", c.number, "open", false)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			vars := map[string]string{"PSFLOW_GITHUB_TOKEN": gh.Token, "PSFLOW_GITHUB_API_URL": gh.URL()}
			if c.noToken {
				delete(vars, "PSFLOW_GITHUB_TOKEN")
			}
			for k, v := range c.vars {
				vars[k] = v
			}
			r := actiontest.Exec(t, deploytest.Env(em, vars), "open-deploy-request")
			r.Assert(t, icmd.Success)
			branch := "pr-" + strconv.Itoa(c.number)
			if c.notice != "" {
				assert.Check(t, is.Contains(r.Stderr(), c.notice))
				assert.Equal(t, len(gh.Comments("acme", "app", c.number)), 0)
			} else {
				assert.Equal(t, len(marked(gh, c.number, branch)), 1)
				assert.Check(t, is.Contains(r.Stderr(), "pull request comment on acme/app#"+strconv.Itoa(c.number)+" created"))
			}
			n, err := strconv.ParseUint(r.Outputs["number"], 10, 64)
			assert.NilError(t, err)
			dr, err := actiontest.SDK(t, em).DeployRequests.Get(context.Background(), &ps.GetDeployRequestRequest{Organization: "acme", Database: "app", Number: n})
			assert.NilError(t, err)
			assert.Equal(t, dr.Branch, branch)
			assert.Equal(t, dr.Notes, c.notes)
			if c.notice != "" {
				assert.Equal(t, len(deploytest.Reviews(t, em, n)), 1, "off GitHub a review of the deploy request records what was reported")
			} else {
				assert.Equal(t, len(deploytest.Reviews(t, em, n)), 0, "on GitHub the sticky comment records it")
			}
			actiontest.AssertNoSecrets(t, r, gh.Token, em.Token())
		})
	}
}

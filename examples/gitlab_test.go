package examples

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/psflow/psflow/pkg/emulator"
	"gopkg.in/yaml.v3"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// gitlabCI is the part of a .gitlab-ci.yml the tests read.
type gitlabCI struct {
	Workflow struct {
		Rules []struct {
			If string `yaml:"if"`
		} `yaml:"rules"`
	} `yaml:"workflow"`
	Variables map[string]string `yaml:"variables"`
	Default   struct {
		BeforeScript []string `yaml:"before_script"`
	} `yaml:"default"`
	Stages []string             `yaml:"stages"`
	Jobs   map[string]gitlabJob `yaml:",inline"`
}

// gitlabRule is one rule of a job.
type gitlabRule struct {
	If           string `yaml:"if"`
	When         string `yaml:"when"`
	AllowFailure *bool  `yaml:"allow_failure"`
}

// gitlabJob is one job of a .gitlab-ci.yml.
type gitlabJob struct {
	Stage         string            `yaml:"stage"`
	Rules         []gitlabRule      `yaml:"rules"`
	Needs         []string          `yaml:"needs"`
	ResourceGroup string            `yaml:"resource_group"`
	Variables     map[string]string `yaml:"variables"`
	Script        []string          `yaml:"script"`
	Environment   struct {
		Name   string `yaml:"name"`
		OnStop string `yaml:"on_stop"`
		Action string `yaml:"action"`
	} `yaml:"environment"`
}

func readGitLabCI(t *testing.T) gitlabCI {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("gitlab", ".gitlab-ci.yml"))
	assert.NilError(t, err)
	var c gitlabCI
	assert.NilError(t, yaml.Unmarshal(data, &c))
	return c
}

// mergeRequest is merge request !12 of acme/bookings-api on gitlab.com,
// built by the pipelines of .gitlab-ci.yml against an emulator.
type mergeRequest struct {
	em  *emulator.Emulator
	ci  gitlabCI
	dir string // the checked-out source
}

// run runs a job's script as GitLab Runner does, in one bash stopping at the first failure and
// without the default before_script, with a merge request pipeline's variables.
func (mr *mergeRequest) run(t *testing.T, name string) string {
	t.Helper()
	job, ok := mr.ci.Jobs[name]
	assert.Assert(t, ok, "no job %s", name)
	vars := map[string]string{
		"CI": "true", "GITLAB_CI": "true", "CI_SERVER_HOST": "gitlab.com", "CI_SERVER_URL": "https://gitlab.com",
		"CI_PROJECT_DIR": mr.dir, "CI_PROJECT_PATH": "acme/bookings-api", "CI_PROJECT_URL": "https://gitlab.com/acme/bookings-api",
		"CI_PIPELINE_SOURCE": "merge_request_event", "CI_COMMIT_REF_NAME": "feature/orders", "CI_COMMIT_SHA": "5e1c2b7a9d3f4e6a8b0c1d2e3f405162738495a6",
		"CI_JOB_NAME": name, "CI_JOB_STAGE": job.Stage,
		"CI_MERGE_REQUEST_ID": "301412", "CI_MERGE_REQUEST_IID": "12", "CI_MERGE_REQUEST_EVENT_TYPE": "detached",
		"CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "feature/orders", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
		"CI_MERGE_REQUEST_TITLE": "Add orders", "CI_MERGE_REQUEST_PROJECT_PATH": "acme/bookings-api",
		"CI_MERGE_REQUEST_PROJECT_URL": "https://gitlab.com/acme/bookings-api",
		"PLANETSCALE_SERVICE_TOKEN_ID": mr.em.TokenID(), "PLANETSCALE_SERVICE_TOKEN": mr.em.Token(),
		"PLANETSCALE_API_URL": mr.em.URL(), "PSFLOW_MYSQL_CA": mr.em.CAFile(),
	}
	if job.Environment.Name != "" {
		vars["CI_ENVIRONMENT_NAME"] = strings.ReplaceAll(job.Environment.Name, "$CI_MERGE_REQUEST_IID", "12")
	}
	for _, m := range []map[string]string{mr.ci.Variables, job.Variables} {
		for k, v := range m {
			vars[k] = v
		}
	}
	cmd := exec.Command("bash", "-c", "set -eo pipefail\n"+strings.Join(job.Script, "\n")+"\n")
	cmd.Dir = mr.dir
	cmd.Env = []string{"PATH=" + binDir(t) + ":/usr/bin:/bin", "HOME=" + t.TempDir()}
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	t.Logf("job %s:\n%s", name, out)
	assert.NilError(t, err, "job %s failed", name)
	assert.Check(t, !strings.Contains(string(out), mr.em.Token()), "the service token was printed")
	return string(out)
}

func newMergeRequest(t *testing.T) *mergeRequest {
	t.Helper()
	return &mergeRequest{em: startEmulator(t), ci: readGitLabCI(t), dir: pullRequestSource(t)}
}

// opened runs the merge request's first pipeline.
func (mr *mergeRequest) opened(t *testing.T) {
	t.Helper()
	out := mr.run(t, "planetscale-branch")
	assert.Check(t, is.Contains(out, "GitLab CI: merge request #12 (event not reported) from feature/orders into main, repository gitlab.com/acme/bookings-api"))
	assert.Check(t, is.Contains(out, "branch=pr-12\n"))
	assert.Check(t, is.Contains(out, "number=1\n"))
	assert.Check(t, is.Contains(out, "notice: pull request #12 is on gitlab.com, not on GitHub"))
	assert.Check(t, is.Contains(branchNames(mr.em), "pr-12"))
	assert.Check(t, !hasTable(t, mr.em, "orders"), "production changed before the deploy")
}

// TestGitLabPipelineWiring: merge request pipelines only, and a stop job for the branch job's
// environment, in its stage, which GitLab runs when the merge request ends.
func TestGitLabPipelineWiring(t *testing.T) {
	t.Parallel()
	ci := readGitLabCI(t)
	const mr, main = `$CI_PIPELINE_SOURCE == "merge_request_event"`, `$CI_PIPELINE_SOURCE == "push" && $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH`
	assert.Equal(t, len(ci.Workflow.Rules), 2)
	assert.Equal(t, ci.Workflow.Rules[0].If, mr)
	assert.Equal(t, ci.Workflow.Rules[1].If, main)
	branch, deploy, cleanup, sweep := ci.Jobs["planetscale-branch"], ci.Jobs["planetscale-deploy"], ci.Jobs["planetscale-cleanup"], ci.Jobs["planetscale-sweep"]
	no, yes := false, true
	assert.DeepEqual(t, branch.Rules, []gitlabRule{{If: mr}})
	assert.Equal(t, branch.Environment.OnStop, "planetscale-cleanup")
	assert.Equal(t, cleanup.Environment.Name, branch.Environment.Name)
	assert.Equal(t, cleanup.Environment.Action, "stop")
	// A stop job that blocked the pipeline would block the merge.
	assert.DeepEqual(t, cleanup.Rules, []gitlabRule{{If: mr, When: "manual", AllowFailure: &yes}})
	assert.Equal(t, cleanup.Stage, branch.Stage, "a stop job in a later stage may not run")
	assert.Equal(t, cleanup.Variables["GIT_STRATEGY"], "none")
	// The deploy blocks the pipeline until it has passed.
	assert.DeepEqual(t, deploy.Rules, []gitlabRule{{If: mr, When: "manual", AllowFailure: &no}})
	assert.DeepEqual(t, deploy.Needs, []string{"planetscale-branch"})
	assert.DeepEqual(t, sweep.Rules, []gitlabRule{{If: main}})
	assert.Check(t, slices.Contains(ci.Stages, branch.Stage))
	install := strings.Join(ci.Default.BeforeScript, "\n")
	assert.Check(t, is.Contains(install, `sha256sum --check --strict`))
	assert.Check(t, !strings.Contains(install, "go install"), "psflow is built in every job")
}

// TestGitLabMergeRequestDeployedAndMerged runs the pipelines of a merge
// request that is opened, updated, deployed by hand and merged.
func TestGitLabMergeRequestDeployedAndMerged(t *testing.T) {
	t.Parallel()
	mr := newMergeRequest(t)
	mr.opened(t)

	pushSecondChange(t, mr.dir)
	out := mr.run(t, "planetscale-branch")
	assert.Check(t, is.Contains(out, "reusing deploy request #1 of acme/bookings_api"))

	out = mr.run(t, "planetscale-deploy")
	assert.Check(t, is.Contains(out, "result=unchanged\n"), "the deploy job's seed-branch changed the branch")
	assert.Check(t, is.Contains(out, "GitLab CI does not report whether pull request #12 was merged or closed; the deploy input decides (deploy: true)"))
	assert.Check(t, is.Contains(out, "these are the statements open-deploy-request reported (the review open-deploy-request wrote on deploy request #1 at "),
		"the deploy job checks what its open-deploy-request recorded")
	assert.Check(t, is.Contains(out, "deployment_state=complete\n"))
	assert.Check(t, hasTable(t, mr.em, "orders"), "production schema unchanged after the deploy")
	assert.Check(t, hasTable(t, mr.em, "payments"), "the update was not deployed")

	out = mr.run(t, "planetscale-cleanup")
	assert.Check(t, is.Contains(out, "GitLab CI does not report whether pull request #12 was merged or closed; deleting its branch pr-12 as asked"))
	assert.Check(t, is.Contains(out, "deleted=pr-12\n"))
	assert.Check(t, !slices.Contains(branchNames(mr.em), "pr-12"), "the branch outlived the merge request")
	assert.Equal(t, mr.em.DeployCalls("bookings_api", 1), 1)
}

// TestGitLabMergeRequestClosed runs the pipelines of a merge request that
// is opened and closed without a deploy.
func TestGitLabMergeRequestClosed(t *testing.T) {
	t.Parallel()
	mr := newMergeRequest(t)
	mr.opened(t)

	out := mr.run(t, "planetscale-cleanup")
	assert.Check(t, is.Contains(out, "deleted=pr-12\n"))
	assert.Check(t, !slices.Contains(branchNames(mr.em), "pr-12"), "the branch outlived the merge request")
	assert.Check(t, !hasTable(t, mr.em, "orders"), "a closed merge request changed production")
	assert.Equal(t, mr.em.DeployCalls("bookings_api", 1), 0)
}

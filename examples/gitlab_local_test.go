package examples

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/psflow/psflow/internal/testbin"
	"github.com/psflow/psflow/pkg/emulator"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// gitlabCILocalBinary finds gitlab-ci-local: PSFLOW_GITLAB_CI_LOCAL, else on PATH; CI installs
// it and must run these tests, elsewhere they are skipped without it.
func gitlabCILocalBinary(t *testing.T) string {
	t.Helper()
	return ciTool(t, "PSFLOW_GITLAB_CI_LOCAL", "gitlab-ci-local", "the GitLab example must run under it")
}

// gitlabRunner runs examples/gitlab/.gitlab-ci.yml with gitlab-ci-local's shell executor in a
// repository of acme/bookings-api on gitlab.com, against an emulator and a release mirror.
type gitlabRunner struct {
	bin, repo, home, path string
	em                    *emulator.Emulator
	vars                  map[string]string // the project's CI/CD variables
}

func newGitLabRunner(t *testing.T) *gitlabRunner {
	t.Helper()
	bin := gitlabCILocalBinary(t)
	em := startEmulator(t)
	repo := pullRequestSource(t)
	ci, err := os.ReadFile(filepath.Join("gitlab", ".gitlab-ci.yml"))
	assert.NilError(t, err)
	assert.NilError(t, os.WriteFile(filepath.Join(repo, ".gitlab-ci.yml"), ci, 0o644))
	git(t, repo, "init", "-q", "-b", "main")
	git(t, repo, "remote", "add", "origin", "https://gitlab.com/acme/bookings-api.git")
	// Only the pipeline's files are the project's: gitlab-ci-local's state is not.
	assert.NilError(t, os.WriteFile(filepath.Join(repo, ".gitignore"), []byte(".gitlab-ci-local/\n"), 0o644))
	commitAll(t, repo)

	self, err := os.ReadFile(testbin.Psflow(t))
	assert.NilError(t, err)
	mirror, sum := releaseMirror(t, "v1.0.0", self)
	node, err := exec.LookPath("node")
	assert.NilError(t, err, "gitlab-ci-local runs on node")
	return &gitlabRunner{
		bin: bin, repo: repo, home: t.TempDir(), em: em,
		// No psflow on PATH: the jobs install the release.
		path: filepath.Dir(node) + ":/usr/bin:/bin",
		vars: map[string]string{
			// GitLab's runner sets it; gitlab-ci-local sets "false" so that
			// scripts can tell it from GitLab.
			"GITLAB_CI":                    "true",
			"PLANETSCALE_SERVICE_TOKEN_ID": em.TokenID(), "PLANETSCALE_SERVICE_TOKEN": em.Token(),
			"PLANETSCALE_API_URL": em.URL(), "PSFLOW_MYSQL_CA": em.CAFile(),
			"PSFLOW_RELEASE_URL": mirror, "PSFLOW_SHA256": sum,
		},
	}
}

// mergeRequestVars are the variables of a pipeline of merge request !12
// from feature/orders into main, which gitlab-ci-local does not set.
var mergeRequestVars = map[string]string{
	"CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_IID": "12", "CI_MERGE_REQUEST_ID": "301412",
	"CI_MERGE_REQUEST_EVENT_TYPE": "detached", "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "feature/orders",
	"CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main", "CI_MERGE_REQUEST_TITLE": "Add orders",
	"CI_MERGE_REQUEST_PROJECT_PATH": "acme/bookings-api", "CI_MERGE_REQUEST_PROJECT_URL": "https://gitlab.com/acme/bookings-api",
}

// run runs gitlab-ci-local with args and the variables (the project's and
// vars) and returns its output and error.
func (g *gitlabRunner) run(t *testing.T, vars map[string]string, args ...string) (string, error) {
	t.Helper()
	all := []string{"--force-shell-executor", "--no-color", "--max-job-name-padding", "0"}
	for _, m := range []map[string]string{g.vars, vars} {
		for k, v := range m {
			all = append(all, "--variable", k+"="+v)
		}
	}
	cmd := exec.Command(g.bin, append(all, args...)...)
	cmd.Dir = g.repo
	cmd.Env = []string{"PATH=" + g.path, "HOME=" + g.home}
	out, err := cmd.CombinedOutput()
	t.Logf("gitlab-ci-local %s:\n%s", strings.Join(args, " "), out)
	assert.Check(t, !strings.Contains(string(out), g.em.Token()), "the service token was printed")
	return string(out), err
}

// mustRun is run for a pipeline that must pass.
func (g *gitlabRunner) mustRun(t *testing.T, vars map[string]string, args ...string) string {
	t.Helper()
	out, err := g.run(t, vars, args...)
	assert.NilError(t, err, "gitlab-ci-local %s failed", strings.Join(args, " "))
	return out
}

// listedJob is a job as gitlab-ci-local --list-json lists it.
type listedJob struct {
	Name         string `json:"name"`
	When         string `json:"when"`
	AllowFailure bool   `json:"allow_failure"`
}

// jobs lists the jobs of a pipeline with vars as gitlab-ci-local sees them.
func (g *gitlabRunner) jobs(t *testing.T, vars map[string]string) map[string]listedJob {
	t.Helper()
	out := g.mustRun(t, vars, "--list-json")
	var list []listedJob
	assert.NilError(t, json.Unmarshal([]byte(out[strings.Index(out, "\n[")+1:]), &list))
	jobs := map[string]listedJob{}
	for _, j := range list {
		jobs[j.Name] = j
	}
	return jobs
}

// TestGitLabUnderGitLabCILocal runs merge request !12's pipelines (then its blocking deploy),
// the stop job GitLab runs at the merge, and main's pipeline after it.
func TestGitLabUnderGitLabCILocal(t *testing.T) {
	t.Parallel()
	g := newGitLabRunner(t)
	git(t, g.repo, "checkout", "-q", "-b", "feature/orders")

	jobs := g.jobs(t, mergeRequestVars)
	assert.Check(t, is.Equal(jobs["planetscale-branch"].When, "on_success"))
	deploy := jobs["planetscale-deploy"]
	assert.Check(t, is.Equal(deploy.When, "manual"))
	assert.Check(t, !deploy.AllowFailure, "the deploy job is optional: a merge request can merge without its deploy")
	assert.Check(t, is.Equal(jobs["planetscale-sweep"].When, "never"))

	out := g.mustRun(t, mergeRequestVars)
	assert.Check(t, is.Contains(out, "psflow.download: OK"))
	assert.Check(t, is.Contains(out, "GitLab CI: merge request #12"))
	assert.Check(t, is.Contains(out, "branch=pr-12"))
	assert.Check(t, is.Contains(out, "number=1"))
	assert.Check(t, !strings.Contains(out, "planetscale-deploy starting"), "the manual deploy ran unasked")
	assert.Check(t, is.Contains(branchNames(g.em), "pr-12"))
	assert.Check(t, !hasTable(t, g.em, "orders"), "production changed before the deploy")

	out = g.mustRun(t, mergeRequestVars, "planetscale-deploy")
	assert.Check(t, is.Contains(out, "deployment_state=complete"))
	assert.Check(t, hasTable(t, g.em, "orders"), "production schema unchanged after the deploy")
	assert.Equal(t, g.em.DeployCalls("bookings_api", 1), 1)

	// The merge: GitLab stops the merge request's environment, then runs
	// main's pipeline for the merge commit.
	out = g.mustRun(t, mergeRequestVars, "planetscale-cleanup")
	assert.Check(t, is.Contains(out, "deleted=pr-12"))
	assert.Check(t, !slices.Contains(branchNames(g.em), "pr-12"), "the branch outlived the merge request")
	git(t, g.repo, "checkout", "-q", "main")
	git(t, g.repo, "-c", "user.name=ci", "-c", "user.email=ci@example.com", "merge", "-q", "--no-ff", "-m", "Merge branch 'feature/orders' into 'main'", "feature/orders")
	push := map[string]string{"CI_PIPELINE_SOURCE": "push"}
	jobs = g.jobs(t, push)
	assert.Check(t, is.Equal(jobs["planetscale-sweep"].When, "on_success"))
	for _, name := range []string{"planetscale-branch", "planetscale-deploy", "planetscale-cleanup"} {
		assert.Check(t, is.Equal(jobs[name].When, "never"), "%s runs on main", name)
	}
	out = g.mustRun(t, push)
	assert.Check(t, is.Contains(out, "planetscale-sweep"))
	assert.Check(t, hasTable(t, g.em, "orders"))
	assert.Equal(t, g.em.DeployCalls("bookings_api", 1), 1)
}

package examples

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/psflow/psflow/pkg/emulator"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// actBinary finds act: PSFLOW_ACT, else act on PATH. CI installs it and
// must run this test; elsewhere it is skipped without act.
func actBinary(t *testing.T) string {
	t.Helper()
	return ciTool(t, "PSFLOW_ACT", "act", "the example workflow must run under act")
}

// ciTool finds a tool from the variable env, else name on PATH; CI installs it (.ci/run) and
// sets env, so there a missing tool fails the test (why says what for), elsewhere skips it.
func ciTool(t *testing.T, env, name, why string) string {
	t.Helper()
	if p := os.Getenv(env); p != "" {
		return p
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("CI is set but %s is not installed (%s or %s on PATH): %s", name, env, name, why)
	}
	t.Skipf("%s is not installed; .ci/run installs it", name)
	return ""
}

// TestExampleWorkflowUnderAct runs examples/github/planetscale-pr.yml under act, with
// psflow/psflow@v1 mapped to this checkout, for an opened pull request and then its merge.
func TestExampleWorkflowUnderAct(t *testing.T) {
	t.Parallel()
	a := newActRunner(t, startEmulator(t), "bookings_api")
	repo := a.repo(t, map[string]string{})
	copyTree(t, filepath.Join("testdata", "act", "db"), filepath.Join(repo, "db"))
	sha := commitAll(t, repo)

	opened := a.mustRun(t, repo, filepath.Join("testdata", "act", "event-opened.json"))
	assert.Check(t, is.Contains(opened, "branch=pr-7 seed=changed recreated=false rows=2 deploy_request=1 state=ready"))
	assert.Check(t, is.Contains(branchNames(a.em), "pr-7"))
	assert.Check(t, !hasColumn(t, a.em, "description"), "production changed before the merge")

	merged := a.mustRun(t, repo, mergedEvent(t, filepath.Join("testdata", "act", "event-merged.json"), sha))
	assert.Check(t, is.Contains(merged, "checked out "+sha))
	assert.Check(t, is.Contains(merged, "Success - Main psflow/psflow/actions/wait-and-deploy@v1"))
	assert.Check(t, is.Contains(merged, "branch=pr-7 seed=unchanged recreated=false deploy_request=1 state=complete"))
	assert.Check(t, !slices.Contains(branchNames(a.em), "pr-7"), "the PR branch outlived the merge")
	assert.Check(t, hasColumn(t, a.em, "description"), "production schema unchanged after the merge")
}

// TestExampleWorkflowWithoutSecrets runs the example for a fork's pull request, without secrets:
// the job ends green, with a notice saying why nothing ran, and touches nothing.
func TestExampleWorkflowWithoutSecrets(t *testing.T) {
	t.Parallel()
	a := newActRunner(t, startEmulator(t), "bookings_api")
	repo := a.repo(t, map[string]string{})
	copyTree(t, filepath.Join("testdata", "act", "db"), filepath.Join(repo, "db"))
	commitAll(t, repo)
	event, err := filepath.Abs(filepath.Join("testdata", "act", "event-fork.json"))
	assert.NilError(t, err)

	out, err := a.runWith(t, repo, event)
	assert.NilError(t, err, "a fork's pull request failed the workflow")
	assert.Check(t, is.Contains(out, "nothing ran: this run has no PLANETSCALE_SERVICE_TOKEN"))
	assert.Check(t, is.Contains(out, "Job succeeded"))
	assert.Check(t, !strings.Contains(out, "Main psflow/psflow/actions/"), "a psflow step ran without secrets")
	assert.Check(t, is.Len(a.em.State().Databases[0].Branches, 1), "a branch was created")
	assert.Check(t, is.Len(a.em.Requests(), 0), "psflow called the API")
}

// mergedEvent writes the merged event in the file named with its merge
// commit set to sha, and returns the new file's path.
func mergedEvent(t *testing.T, path, sha string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	assert.NilError(t, err)
	var ev map[string]any
	assert.NilError(t, json.Unmarshal(data, &ev))
	ev["pull_request"].(map[string]any)["merge_commit_sha"] = sha
	data, err = json.Marshal(ev)
	assert.NilError(t, err)
	out := filepath.Join(t.TempDir(), filepath.Base(path))
	assert.NilError(t, os.WriteFile(out, data, 0o644))
	return out
}

// actRunner runs the example pull request workflow under act against an
// emulator's database.
type actRunner struct {
	act, root, path, checkout string
	em                        *emulator.Emulator
	database                  string
	// apiURL is where the workflow reaches the API: the emulator's, or a
	// proxy in front of it.
	apiURL string
}

// checkoutPin finds the commit actions/checkout is pinned to in a workflow.
var checkoutPin = regexp.MustCompile(`uses:\s+actions/checkout@([0-9a-f]{40})`)

func newActRunner(t *testing.T, em *emulator.Emulator, database string) *actRunner {
	t.Helper()
	act := actBinary(t)
	workflow, err := os.ReadFile(filepath.Join("github", "planetscale-pr.yml"))
	assert.NilError(t, err)
	pin := checkoutPin.FindSubmatch(workflow)
	assert.Assert(t, pin != nil, "the workflow uses no pinned actions/checkout")
	stand, err := filepath.Abs(filepath.Join("testdata", "act", "checkout"))
	assert.NilError(t, err)
	return &actRunner{
		act: act, root: actionTree(t), path: binDir(t) + ":" + os.Getenv("PATH"), em: em, database: database, apiURL: em.URL(),
		// act copies the working tree for a checkout of the event's
		// commit; one of another ref clones the repository.
		checkout: "actions/checkout@" + string(pin[1]) + "=" + stand,
	}
}

// actionTree copies each action.yml and the entrypoint shim into a directory for act to map
// psflow/psflow@v1 to; act reads a mapped directory whole at every step, seconds for a checkout.
func actionTree(t *testing.T) string {
	t.Helper()
	root := filepath.Join("..")
	files, err := filepath.Glob(filepath.Join(root, "actions", "*", "action.yml"))
	assert.NilError(t, err)
	assert.Assert(t, len(files) > 0)
	files = append(files, filepath.Join(root, "action.yml"), filepath.Join(root, "entrypoint", "psflow.sh"))
	dir := t.TempDir()
	for _, f := range files {
		rel, err := filepath.Rel(root, f)
		assert.NilError(t, err)
		data, err := os.ReadFile(f)
		assert.NilError(t, err)
		info, err := os.Stat(f)
		assert.NilError(t, err)
		assert.NilError(t, os.MkdirAll(filepath.Join(dir, filepath.Dir(rel)), 0o755))
		assert.NilError(t, os.WriteFile(filepath.Join(dir, rel), data, info.Mode().Perm()))
	}
	return dir
}

// repo makes a git repository holding the example workflow and files
// (path → content), committed.
func (a *actRunner) repo(t *testing.T, files map[string]string) string {
	t.Helper()
	repo := t.TempDir()
	files[".github/workflows/planetscale-pr.yml"] = exampleWorkflow(t)
	writeTree(t, repo, files)
	git(t, repo, "init", "-q", "-b", "main")
	commitAll(t, repo)
	return repo
}

// exampleWorkflow is examples/github/planetscale-pr.yml.
func exampleWorkflow(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("github", "planetscale-pr.yml"))
	assert.NilError(t, err)
	return string(data)
}

// run runs the workflow in repo for the pull request event in the file
// named, and returns act's output and error.
func (a *actRunner) run(t *testing.T, repo, event string) (string, error) {
	t.Helper()
	ev, err := filepath.Abs(event)
	assert.NilError(t, err)
	return a.runAbs(t, repo, ev)
}

// runAbs is run for an event file's absolute path; it may be called from
// another goroutine than the test's.
func (a *actRunner) runAbs(t *testing.T, repo, event string) (string, error) {
	return a.runWith(t, repo, event, "-s", "PLANETSCALE_SERVICE_TOKEN_ID="+a.em.TokenID(), "-s", "PLANETSCALE_SERVICE_TOKEN="+a.em.Token())
}

// runWith runs the workflow for the event file at its absolute path with the secrets given in
// args (-s NAME=VALUE), as GitHub gives a run the secrets it may have.
func (a *actRunner) runWith(t *testing.T, repo, event string, args ...string) (string, error) {
	cmd := exec.Command(a.act, append([]string{"pull_request", "-e", event, "-W", ".github/workflows/planetscale-pr.yml",
		"-P", "ubuntu-latest=-self-hosted", "--local-repository", "psflow/psflow@v1=" + a.root,
		"--local-repository", a.checkout, "--action-offline-mode",
		"--var", "PLANETSCALE_ORG=" + a.em.Org(), "--var", "PLANETSCALE_DATABASE=" + a.database, "--var", "PLANETSCALE_API_URL=" + a.apiURL,
		"-s", "GITHUB_TOKEN=ghs_psflowtestnotreal",
		"--env", "PSFLOW_MYSQL_CA=" + a.em.CAFile(), "--env", "CHECKOUT_STAND_IN_REPOSITORY=" + repo}, args...)...)
	cmd.Dir = repo
	cmd.Env = append(os.Environ(), "PATH="+a.path, "HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	t.Logf("act %s:\n%s", event, out)
	assert.Check(t, !strings.Contains(string(out), a.em.Token()), "the service token was printed")
	return string(out), err
}

// mustRun is run for a workflow that must succeed.
func (a *actRunner) mustRun(t *testing.T, repo, event string) string {
	t.Helper()
	out, err := a.run(t, repo, event)
	assert.NilError(t, err, "act failed for %s", event)
	return out
}

// writeTree writes files (path → content) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		assert.NilError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		assert.NilError(t, os.WriteFile(path, []byte(content), 0o644))
	}
}

// commitAll commits every change in repo, as a push would, and returns
// the commit.
func commitAll(t *testing.T, repo string) string {
	t.Helper()
	git(t, repo, "add", "-A")
	git(t, repo, "-c", "user.name=ci", "-c", "user.email=ci@example.com", "commit", "-q", "--allow-empty", "-m", "push")
	return git(t, repo, "rev-parse", "HEAD")
}

// git runs git in dir and returns its output, trimmed.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	assert.NilError(t, err, string(out))
	return strings.TrimSpace(string(out))
}

package examples

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// actBinary finds act: PSFLOW_ACT, else act on PATH. CI installs it and
// must run this test; elsewhere it is skipped without act.
func actBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("PSFLOW_ACT"); p != "" {
		return p
	}
	if p, err := exec.LookPath("act"); err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatal("CI is set but act is not installed (PSFLOW_ACT or act on PATH): the example workflow must run under act")
	}
	t.Skip("act is not installed; .ci/run installs it")
	return ""
}

// TestExampleWorkflowUnderAct runs examples/github/planetscale-pr.yml with
// act on this host, psflow/psflow@v1 mapped to this checkout, against an
// emulator: first for an opened pull request, then for its merge.
func TestExampleWorkflowUnderAct(t *testing.T) {
	act := actBinary(t)
	em := startEmulator(t)
	root, err := filepath.Abs("..")
	assert.NilError(t, err)

	repo := t.TempDir()
	assert.NilError(t, os.MkdirAll(filepath.Join(repo, ".github", "workflows"), 0o755))
	workflow, err := os.ReadFile(filepath.Join("github", "planetscale-pr.yml"))
	assert.NilError(t, err)
	assert.NilError(t, os.WriteFile(filepath.Join(repo, ".github", "workflows", "planetscale-pr.yml"), workflow, 0o644))
	assert.NilError(t, os.MkdirAll(filepath.Join(repo, "db"), 0o755))
	copyTree(t, filepath.Join("testdata", "act", "db"), filepath.Join(repo, "db"))
	git(t, repo, "init", "-q", "-b", "main")
	git(t, repo, "add", ".")
	git(t, repo, "-c", "user.name=ci", "-c", "user.email=ci@example.com", "commit", "-q", "-m", "app")

	path := binDir(t) + ":" + os.Getenv("PATH")
	run := func(event string) string {
		t.Helper()
		ev, err := filepath.Abs(filepath.Join("testdata", "act", event))
		assert.NilError(t, err)
		cmd := exec.Command(act, "pull_request", "-e", ev, "-W", ".github/workflows/planetscale-pr.yml",
			"-P", "ubuntu-latest=-self-hosted", "--local-repository", "psflow/psflow@v1="+root, "--action-offline-mode",
			"--var", "PLANETSCALE_ORG=acme", "--var", "PLANETSCALE_DATABASE=bookings_api", "--var", "PLANETSCALE_API_URL="+em.URL(),
			"-s", "PLANETSCALE_SERVICE_TOKEN_ID="+em.TokenID(), "-s", "PLANETSCALE_SERVICE_TOKEN="+em.Token(), "-s", "GITHUB_TOKEN=ghs_psflowtestnotreal",
			"--env", "PSFLOW_MYSQL_CA="+em.CAFile())
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "PATH="+path, "HOME="+t.TempDir())
		out, err := cmd.CombinedOutput()
		t.Logf("act %s:\n%s", event, out)
		assert.NilError(t, err, "act failed for %s", event)
		assert.Check(t, !strings.Contains(string(out), em.Token()), "the service token was printed")
		return string(out)
	}

	opened := run("event-opened.json")
	assert.Check(t, is.Contains(opened, "branch=pr-7 rows=2 deploy_request=1 state=ready"))
	assert.Check(t, is.Contains(branchNames(em), "pr-7"))
	assert.Check(t, !hasColumn(t, em, "description"), "production changed before the merge")

	merged := run("event-merged.json")
	assert.Check(t, is.Contains(merged, "Success - Main psflow/psflow/actions/wait-and-deploy@v1"))
	assert.Check(t, !slices.Contains(branchNames(em), "pr-7"), "the PR branch outlived the merge")
	assert.Check(t, hasColumn(t, em, "description"), "production schema unchanged after the merge")
}

func git(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	assert.NilError(t, err, string(out))
}

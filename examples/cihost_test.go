package examples

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/internal/testbin"
	"github.com/psflow/psflow/pkg/emulator"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// unpinned is what every example holds for PSFLOW_SHA256 until a user
// fills in the release's; the tests pin the served release's instead.
const unpinned = "sha256-of-psflow_linux_amd64-at-PSFLOW_VERSION"

// ciStep is one step of an example as its CI runs it.
type ciStep struct {
	name   string
	shell  []string          // runs script, its last argument: {"bash", "-e", "-c"}
	script string            // empty for an approval
	env    map[string]string // the step's own variables
	token  bool              // the CI gives the step the service token
	path   string            // put first on PATH for the step
	when   string            // a variable that must be set for the step to run
	gate   bool              // an approval: the run waits here until someone allows it
}

// ciBuild is one build of an example: the variables its CI sets, and the
// steps it runs in order.
type ciBuild struct {
	vars  map[string]string
	steps []ciStep
}

// ciHost is a CI machine running an example's builds against an emulator: acme/bookings-api
// with PR #12 adding orders, psflow's release at a mirror, none on PATH, a recording stand-in go.
type ciHost struct {
	em      *emulator.Emulator
	repo    string
	release string // the mirror's URL
	sha     string // the release's sha256
	tools   string // the stand-ins, first on PATH
	goLog   string
}

func newCIHost(t *testing.T, em *emulator.Emulator) *ciHost {
	t.Helper()
	self, err := os.ReadFile(testbin.Psflow(t))
	assert.NilError(t, err)
	h := &ciHost{em: em, repo: pullRequestSource(t), tools: t.TempDir(), goLog: filepath.Join(t.TempDir(), "go.log")}
	h.release, h.sha = releaseMirror(t, "v1.0.0", self)
	stub := "#!/bin/sh\nprintf 'go %s DSN=%s token=%s\\n' \"$*\" \"$DSN\" \"${PLANETSCALE_SERVICE_TOKEN:-}\" >> '" + h.goLog + "'\n"
	assert.NilError(t, os.WriteFile(filepath.Join(h.tools, "go"), []byte(stub), 0o755))
	git(t, h.repo, "init", "-q", "-b", "main")
	git(t, h.repo, "-c", "user.name=ci", "-c", "user.email=ci@example.com", "commit", "-q", "--allow-empty", "-m", "Bookings API")
	git(t, h.repo, "checkout", "-q", "-b", "feature/orders")
	commitAll(t, h.repo)
	return h
}

// merge merges feature/orders into main with the host's merge commit subject and checks main
// out, as a build after the merge does; it returns the merge commit.
func (h *ciHost) merge(t *testing.T, subject string) string {
	t.Helper()
	git(t, h.repo, "checkout", "-q", "main")
	git(t, h.repo, "-c", "user.name=ci", "-c", "user.email=ci@example.com", "merge", "-q", "--no-ff", "-m", subject, "feature/orders")
	return git(t, h.repo, "rev-parse", "HEAD")
}

// vsoCommand is an Azure Pipelines logging command a step prints to change
// the job's later steps.
var vsoCommand = regexp.MustCompile(`(?m)^##vso\[task\.(prependpath|setvariable variable=(\w+))\](.*)$`)

// run runs a build's steps in order, each in its own shell with its variables, stopping at the
// first failure and checking before each approval that nothing deployed; it returns the output.
func (h *ciHost) run(t *testing.T, b ciBuild) string {
	t.Helper()
	home := t.TempDir()
	vars := map[string]string{}
	for k, v := range b.vars {
		vars[k] = strings.ReplaceAll(v, unpinned, h.sha)
	}
	path := h.tools + ":/usr/bin:/bin"
	var all strings.Builder
	for _, s := range b.steps {
		if s.gate {
			assert.Assert(t, !hasTable(t, h.em, "orders"), "production changed before the approval %q", s.name)
			continue
		}
		if s.when != "" && vars[s.when] == "" {
			continue
		}
		env := []string{"PATH=" + strings.TrimPrefix(s.path+":"+path, ":"), "HOME=" + home,
			"PLANETSCALE_API_URL=" + h.em.URL(), "PSFLOW_MYSQL_CA=" + h.em.CAFile(), "PSFLOW_RELEASE_URL=" + h.release}
		for _, m := range []map[string]string{vars, s.env} {
			for k, v := range m {
				env = append(env, k+"="+strings.ReplaceAll(v, unpinned, h.sha))
			}
		}
		if s.token {
			env = append(env, "PLANETSCALE_SERVICE_TOKEN_ID="+h.em.TokenID(), "PLANETSCALE_SERVICE_TOKEN="+h.em.Token())
		}
		cmd := exec.Command(s.shell[0], append(s.shell[1:], strings.ReplaceAll(s.script, unpinned, h.sha))...)
		cmd.Dir = h.repo
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		t.Logf("step %s:\n%s", s.name, out)
		all.Write(out)
		assert.Check(t, !strings.Contains(string(out), h.em.Token()), "step %s printed the service token", s.name)
		assert.NilError(t, err, "step %s failed", s.name)
		for _, m := range vsoCommand.FindAllStringSubmatch(string(out), -1) {
			if m[1] == "prependpath" {
				path = m[3] + ":" + path
			} else {
				vars[m[2]] = m[3]
			}
		}
	}
	return all.String()
}

// testsRun returns what the stand-in go was run with, one line a run.
func (h *ciHost) testsRun(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(h.goLog)
	if os.IsNotExist(err) {
		return nil
	}
	assert.NilError(t, err)
	return strings.Split(strings.TrimSpace(string(data)), "\n")
}

// changeRequestBuilt checks PR #12's build: pr-12 seeded, tests run once with its DSN and no
// service token, deploy request #1 open, production unchanged.
func (h *ciHost) changeRequestBuilt(t *testing.T, out string) {
	t.Helper()
	assert.Check(t, is.Contains(out, "psflow.download: OK"))
	assert.Check(t, is.Contains(out, "branch=pr-12\n"))
	assert.Check(t, is.Contains(out, "opened deploy request #1 of acme/bookings_api: pr-12 → main"))
	assert.Check(t, is.Contains(branchNames(h.em), "pr-12"))
	assert.Check(t, !hasTable(t, h.em, "orders"), "production changed before the merge")
	runs := h.testsRun(t)
	assert.Assert(t, is.Len(runs, 1), "the tests ran %d times", len(runs))
	assert.Check(t, strings.HasPrefix(runs[0], "go test ./... DSN="), runs[0])
	assert.Check(t, strings.HasSuffix(runs[0], " token="), "the tests were given the service token")
	dsn := strings.TrimSuffix(strings.TrimPrefix(runs[0], "go test ./... DSN="), " token=")
	var rows int
	assert.NilError(t, actiontest.OpenDSN(t, h.em, dsn).QueryRow("SELECT COUNT(*) FROM orders").Scan(&rows))
	assert.Check(t, is.Equal(rows, 2), "the tests' DSN does not reach the seeded branch")
}

// mergeDeployed checks main's build after the merge: the deploy request deployed once, the
// orders table in production, and no branch but main.
func (h *ciHost) mergeDeployed(t *testing.T, out string) {
	t.Helper()
	assert.Check(t, is.Contains(out, "deployment_state=complete\n"))
	assert.Check(t, is.Contains(out, "deleted=pr-12\n"))
	assert.Check(t, hasTable(t, h.em, "orders"), "production schema unchanged after the merge")
	assert.DeepEqual(t, branchNames(h.em), []string{"main"})
	assert.Equal(t, h.em.DeployCalls("bookings_api", 1), 1)
	assert.Check(t, is.Len(h.testsRun(t), 1), "main's build ran the tests")
}

// runsPsflow matches a script line that runs one of psflow's actions.
var runsPsflow = regexp.MustCompile(`(^|[\s;(&|])psflow (create-branch|seed-branch|open-deploy-request|wait-and-deploy|delete-branch)\b`)

// tokenOnlyWherePsflowRuns checks that the CI gives the service token to
// the steps that run psflow, and to no other unless it unsets it first.
func tokenOnlyWherePsflowRuns(t *testing.T, b ciBuild) {
	t.Helper()
	for _, s := range b.steps {
		switch {
		case s.gate:
		case runsPsflow.MatchString(s.script):
			assert.Check(t, s.token, "step %s runs psflow without the service token", s.name)
		case s.token:
			assert.Check(t, is.Contains(s.script, "unset PLANETSCALE_SERVICE_TOKEN_ID PLANETSCALE_SERVICE_TOKEN"), "step %s is given the service token", s.name)
		}
	}
}

// stepNames lists a build's steps, approvals as "approval: <name>".
func stepNames(b ciBuild) []string {
	var names []string
	for _, s := range b.steps {
		if s.gate {
			names = append(names, "approval: "+s.name)
		} else {
			names = append(names, s.name)
		}
	}
	return names
}

// gateBefore checks that a build's approval comes after the steps that
// open the deploy request and before every step that deploys.
func gateBefore(t *testing.T, b ciBuild) {
	t.Helper()
	gate := slices.IndexFunc(b.steps, func(s ciStep) bool { return s.gate })
	assert.Assert(t, gate > 0, "no approval in %v", stepNames(b))
	for i, s := range b.steps {
		deploys := strings.Contains(s.script, "psflow wait-and-deploy")
		assert.Check(t, !deploys || i > gate, "step %s deploys before the approval", s.name)
		assert.Check(t, !strings.Contains(s.script, "psflow open-deploy-request") || i < gate, "step %s opens the deploy request after the approval", s.name)
	}
}

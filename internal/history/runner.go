package history

import (
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator"
	"gotest.tools/v3/assert"
)

// Runner runs the example workflow's jobs for pull request events.
type Runner interface {
	// Push runs the job of an opened or pushed pull request on its tree:
	// create-branch, seed-branch, open-deploy-request.
	Push(t *testing.T, n int, tree map[string]string) Result
	// Merge runs a merged pull request's job on main's tree: create-branch, seed-branch,
	// open-deploy-request, wait-and-deploy, delete-branch.
	Merge(t *testing.T, n int, tree map[string]string) Result
	// Race merges two pull requests whose jobs overlap: both open their deploy requests before
	// the first deploys, so the second deploys onto a production that moved.
	Race(t *testing.T, first, second int, firstTree, secondTree map[string]string) (Result, Result)
}

// Result is what a job printed and whether it succeeded.
type Result struct {
	Output string
	OK     bool
}

// Binary runs each job's steps as the psflow binary, as a shell CI does.
type Binary struct {
	em     *emulator.Emulator
	env    map[string]string
	inputs map[string]string // seed-branch input → folder of the tree
	mu     sync.Mutex        // guards Steps: jobs may overlap
	// Steps records every step's outputs, for the scenario's report.
	Steps []Step
}

// Step is one step a Binary runner ran.
type Step struct {
	PR      int
	Action  string
	Exit    int
	Outputs map[string]string
	Log     string
}

// NewBinary returns a runner against em's database "app" whose
// seed-branch takes db/schema as schema and db/data as data.
func NewBinary(em *emulator.Emulator) *Binary {
	return &Binary{em: em, env: actiontest.Env(em, "app"), inputs: map[string]string{"schema": "db/schema", "data": "db/data"}}
}

// NewMigrationsBinary returns a runner whose seed-branch takes
// db/migrations as migrations and db/data as data.
func NewMigrationsBinary(em *emulator.Emulator) *Binary {
	return &Binary{em: em, env: actiontest.Env(em, "app"), inputs: map[string]string{"migrations": "db/migrations", "data": "db/data"}}
}

// step runs one action for pull request n in dir (the checkout, for seed-branch), with the
// event file event, as a GitHub pull request job does.
func (b *Binary) step(t *testing.T, n int, dir, event, action string, args ...string) actiontest.Run {
	t.Helper()
	args = append([]string{"--branch", "pr-" + strconv.Itoa(n)}, args...)
	env := maps.Clone(b.env)
	env["GITHUB_EVENT_NAME"], env["GITHUB_EVENT_PATH"], env["GITHUB_REPOSITORY"] = "pull_request", event, "acme/app"
	if dir != "" {
		for input, folder := range b.inputs {
			if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(folder))); err == nil {
				env["PSFLOW_"+strings.ToUpper(input)] = filepath.Join(dir, filepath.FromSlash(folder))
			}
		}
	}
	r := actiontest.Exec(t, env, action, args...)
	b.mu.Lock()
	b.Steps = append(b.Steps, Step{PR: n, Action: action, Exit: r.ExitCode, Outputs: r.Outputs, Log: r.Stderr()})
	b.mu.Unlock()
	return r
}

// checkout writes a tree into a fresh directory.
func checkout(t *testing.T, tree map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range tree {
		path := filepath.Join(dir, filepath.FromSlash(name))
		assert.NilError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		assert.NilError(t, os.WriteFile(path, []byte(content), 0o644))
	}
	return dir
}

// run runs steps in order until one fails, on the event of a pull
// request that was pushed to, or merged.
func (b *Binary) run(t *testing.T, n int, merged bool, tree map[string]string, steps ...[]string) Result {
	t.Helper()
	dir := checkout(t, tree)
	event := actiontest.PullRequestEvent(t, "synchronize", n, false)
	if merged {
		event = actiontest.PullRequestEvent(t, "closed", n, true)
	}
	var res Result
	for _, s := range steps {
		d := ""
		if s[0] == "seed-branch" {
			d = dir
		}
		r := b.step(t, n, d, event, s[0], s[1:]...)
		res.Output += r.Stdout() + r.Stderr()
		if r.ExitCode != 0 {
			return res
		}
	}
	res.OK = true
	return res
}

// The steps of the example workflow's jobs.
var (
	prepare = [][]string{{"create-branch", "--create-password=false"}, {"seed-branch"}, {"open-deploy-request"}}
	deploy  = [][]string{{"wait-and-deploy", "--revert-window", "skip"}, {"delete-branch"}}
)

// Push runs create-branch, seed-branch and open-deploy-request.
func (b *Binary) Push(t *testing.T, n int, tree map[string]string) Result {
	return b.run(t, n, false, tree, prepare...)
}

// Merge runs the push job's steps on main's tree, then wait-and-deploy
// and delete-branch.
func (b *Binary) Merge(t *testing.T, n int, tree map[string]string) Result {
	return b.run(t, n, true, tree, append(concat(prepare), deploy...)...)
}

// MergeWith is Merge with wait-and-deploy under its defaults and args, as
// the example workflow runs it, rather than with --revert-window skip.
func (b *Binary) MergeWith(t *testing.T, n int, tree map[string]string, args ...string) Result {
	return b.run(t, n, true, tree, append(concat(prepare), append([]string{"wait-and-deploy"}, args...), []string{"delete-branch"})...)
}

// Race prepares both, then deploys the first, then the second.
func (b *Binary) Race(t *testing.T, first, second int, firstTree, secondTree map[string]string) (Result, Result) {
	r1 := b.run(t, first, true, firstTree, prepare...)
	r2 := b.run(t, second, true, secondTree, prepare...)
	if r1.OK {
		r1 = b.run(t, first, true, nil, deploy...)
	}
	if r2.OK {
		r2 = b.run(t, second, true, nil, deploy...)
	}
	return r1, r2
}

// concat copies a list of steps.
func concat(steps [][]string) [][]string { return append([][]string{}, steps...) }

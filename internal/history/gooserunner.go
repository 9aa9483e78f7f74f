package history

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator"
	"gotest.tools/v3/icmd"
)

// GooseRunner runs a goose team's jobs: create-branch, `goose up` on its dsn output, then
// open-deploy-request; a merge also runs wait-and-deploy and delete-branch.
type GooseRunner struct {
	em  *emulator.Emulator
	env map[string]string
}

// NewGooseRunner returns a runner against em's database "app".
func NewGooseRunner(em *emulator.Emulator) *GooseRunner {
	return &GooseRunner{em: em, env: actiontest.Env(em, "app")}
}

// psflow runs one action for pull request n and adds what it printed to
// res; it reports whether the action succeeded.
func (g *GooseRunner) psflow(t *testing.T, res *Result, n int, action string, args ...string) (actiontest.Run, bool) {
	t.Helper()
	r := actiontest.Exec(t, g.env, action, append([]string{"--branch", "pr-" + strconv.Itoa(n)}, args...)...)
	res.Output += r.Stdout() + r.Stderr()
	return r, r.ExitCode == 0
}

// goose runs `goose -dir <dir>/db/migrations mysql <dsn> up` as a CI step would, trusting the
// emulator's CA, and adds what it printed to res.
func (g *GooseRunner) goose(t *testing.T, res *Result, dir, dsn string) bool {
	t.Helper()
	cmd := icmd.Command(Goose(t), "-dir", filepath.Join(dir, "db", "migrations"), "-certfile", g.em.CAFile(), "mysql", dsn, "up")
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	r := icmd.RunCmd(cmd)
	t.Logf("goose up: exit %d\n%s%s", r.ExitCode, r.Stdout(), r.Stderr())
	res.Output += r.Stdout() + r.Stderr()
	return r.ExitCode == 0
}

// prepare runs create-branch, goose up and open-deploy-request on tree.
func (g *GooseRunner) prepare(t *testing.T, n int, tree map[string]string) Result {
	t.Helper()
	var res Result
	r, ok := g.psflow(t, &res, n, "create-branch")
	if !ok || !g.goose(t, &res, checkout(t, tree), r.Outputs["dsn"]) {
		return res
	}
	_, res.OK = g.psflow(t, &res, n, "open-deploy-request")
	return res
}

// deploy runs wait-and-deploy, closing the revert window at once, and
// delete-branch.
func (g *GooseRunner) deploy(t *testing.T, n int) Result {
	t.Helper()
	var res Result
	if _, ok := g.psflow(t, &res, n, "wait-and-deploy", "--revert-window", "skip"); !ok {
		return res
	}
	_, res.OK = g.psflow(t, &res, n, "delete-branch")
	return res
}

// Push runs create-branch, goose up and open-deploy-request.
func (g *GooseRunner) Push(t *testing.T, n int, tree map[string]string) Result {
	return g.prepare(t, n, tree)
}

// Merge runs the push job's steps on main's tree, then wait-and-deploy
// and delete-branch.
func (g *GooseRunner) Merge(t *testing.T, n int, tree map[string]string) Result {
	res := g.prepare(t, n, tree)
	if !res.OK {
		return res
	}
	d := g.deploy(t, n)
	return Result{Output: res.Output + d.Output, OK: d.OK}
}

// Race prepares both, then deploys the first, then the second.
func (g *GooseRunner) Race(t *testing.T, first, second int, firstTree, secondTree map[string]string) (Result, Result) {
	r1 := g.prepare(t, first, firstTree)
	r2 := g.prepare(t, second, secondTree)
	if r1.OK {
		d := g.deploy(t, first)
		r1 = Result{Output: r1.Output + d.Output, OK: d.OK}
	}
	if r2.OK {
		d := g.deploy(t, second)
		r2 = Result{Output: r2.Output + d.Output, OK: d.OK}
	}
	return r1, r2
}

// Close runs the job of a pull request closed without merging:
// delete-branch.
func (g *GooseRunner) Close(t *testing.T, n int) Result {
	var res Result
	_, res.OK = g.psflow(t, &res, n, "delete-branch")
	return res
}

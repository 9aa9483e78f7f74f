package main

import (
	"os"
	"strings"
	"testing"

	"github.com/psflow/psflow/actions"
	"github.com/psflow/psflow/internal/testbin"
	"github.com/psflow/psflow/pkg/step"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// scopeEnv sets the inputs every action requires, so --show-inputs resolves.
var scopeEnv = []string{"PATH=" + os.Getenv("PATH"), "HOME=/tmp", "PLANETSCALE_ORG=acme", "PSFLOW_DATABASE=app",
	"PLANETSCALE_SERVICE_TOKEN_ID=id", "PLANETSCALE_SERVICE_TOKEN=pscale_tkn_secret"}

// showInputs runs `psflow <action> --show-inputs args...`.
func showInputs(t *testing.T, env []string, action string, args ...string) *icmd.Result {
	t.Helper()
	cmd := icmd.Command(testbin.Psflow(t), append([]string{action, "--show-inputs"}, args...)...)
	cmd.Env = env
	return icmd.RunCmd(cmd)
}

// Every boolean input of every action takes each form of its flag through
// the binary, and a boolean flag followed by another flag leaves it alone.
func TestBoolFlagFormsThroughTheBinary(t *testing.T) {
	t.Parallel()
	forms := []struct {
		args func(flag string) []string
		want string
	}{
		{func(f string) []string { return []string{f} }, "true"},
		{func(f string) []string { return []string{f + "=true"} }, "true"},
		{func(f string) []string { return []string{f, "true"} }, "true"},
		{func(f string) []string { return []string{f + "=false"} }, "false"},
		{func(f string) []string { return []string{f, "false"} }, "false"},
	}
	n := 0
	for _, a := range actions.All() {
		for _, in := range a.Inputs {
			if in.Kind != step.Bool {
				continue
			}
			n++
			for _, form := range forms {
				args := form.args(in.Flag())
				t.Run(a.Name+" "+strings.Join(args, " "), func(t *testing.T) {
					t.Parallel()
					res := showInputs(t, scopeEnv, a.Name, args...)
					res.Assert(t, icmd.Success)
					assert.Check(t, is.Contains(res.Stdout(), "\n"+in.Name+"="+form.want+" ("+in.Flag()+")\n"))
				})
			}
		}
	}
	assert.Equal(t, n, 17, "the boolean inputs of the seven actions")

	res := showInputs(t, scopeEnv, "create-branch", "--create-password", "--branch", "x")
	res.Assert(t, icmd.Success)
	assert.Check(t, is.Contains(res.Stdout(), "\nbranch=x (--branch)\n"))
	assert.Check(t, is.Contains(res.Stdout(), "\ncreate_password=true (--create-password)\n"))
}

// The command: a word after a boolean flag that is not true or
// false exits 2 saying which form to use.
func TestBoolFlagWrongWordThroughTheBinary(t *testing.T) {
	t.Parallel()
	res := showInputs(t, scopeEnv, "wait-and-deploy", "--allow-changed-diff", "true")
	res.Assert(t, icmd.Success)
	assert.Check(t, is.Contains(res.Stdout(), "\nallow_changed_diff=true (--allow-changed-diff)\n"))

	res = showInputs(t, scopeEnv, "wait-and-deploy", "--allow-changed-diff", "sure")
	res.Assert(t, icmd.Expected{ExitCode: 2})
	assert.Equal(t, res.Stderr(), `psflow wait-and-deploy: unexpected argument "sure" after --allow-changed-diff: --allow-changed-diff takes true or false, `+
		`as --allow-changed-diff=true, --allow-changed-diff=false, --allow-changed-diff true or --allow-changed-diff alone for true (see psflow wait-and-deploy --help)`+"\n")
}

package main

import (
	"testing"

	"github.com/psflow/psflow/actions"
	"github.com/psflow/psflow/internal/testbin"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

func TestHelpListsEveryAction(t *testing.T) {
	res := icmd.RunCommand(testbin.Psflow(t), "help")
	res.Assert(t, icmd.Success)
	for _, a := range actions.All() {
		assert.Check(t, is.Contains(res.Stdout(), "  "+a.Name+" "))
	}
	assert.Equal(t, len(actions.All()), 7)
}

func TestUnknownActionExitsTwo(t *testing.T) {
	res := icmd.RunCommand(testbin.Psflow(t), "create-brunch")
	res.Assert(t, icmd.Expected{ExitCode: 2})
	assert.Check(t, is.Contains(res.Stderr(), `unknown action "create-brunch"; the actions are create-branch, seed-branch, open-deploy-request, wait-and-deploy, delete-branch, dump-schema, setup-migrations`))
}

func TestNoActionExitsTwo(t *testing.T) {
	res := icmd.RunCommand(testbin.Psflow(t))
	res.Assert(t, icmd.Expected{ExitCode: 2, Err: "name an action"})
}

func TestVersion(t *testing.T) {
	res := icmd.RunCommand(testbin.Psflow(t), "version")
	res.Assert(t, icmd.Success)
	assert.Check(t, is.Regexp(`^psflow \S+\n$`, res.Stdout()))
}

func TestActionHelp(t *testing.T) {
	res := icmd.RunCommand(testbin.Psflow(t), "create-branch", "--help")
	res.Assert(t, icmd.Success)
	assert.Check(t, is.Contains(res.Stdout(), "--parent-branch"))
	assert.Check(t, is.Contains(res.Stdout(), "--output-file"))
}

func TestMissingInputsExitTwoBeforeAnyCall(t *testing.T) {
	cmd := icmd.Command(testbin.Psflow(t), "delete-branch")
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=/tmp"}
	res := icmd.RunCmd(cmd)
	res.Assert(t, icmd.Expected{ExitCode: 2})
	assert.Check(t, is.Contains(res.Stderr(), "input org is required; set --org, INPUT_ORG, PSFLOW_ORG, PLANETSCALE_ORG"))
	assert.Check(t, is.Contains(res.Stderr(), "input database is required"))
}

package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"github.com/psflow/psflow/pkg/step"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/poll"
)

// docs/library.md shows this command: its Go block is main.go, byte for
// byte, so the page and the code cannot drift apart.
func TestLibraryDocShowsMain(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("../../docs/library.md")
	assert.NilError(t, err)
	code, err := os.ReadFile("main.go")
	assert.NilError(t, err)
	_, block, ok := strings.Cut(string(doc), "```go\n")
	assert.Assert(t, ok, "docs/library.md has no ```go block")
	block, _, ok = strings.Cut(block, "```\n")
	assert.Assert(t, ok, "docs/library.md: the ```go block does not end")
	assert.Equal(t, block, string(code), "docs/library.md's Go block differs from examples/customstep/main.go")
}

// The step counts the open deploy requests of the emulator's database.
func TestCountsOpenDeployRequests(t *testing.T) {
	t.Parallel()
	em := emulatortest.Start(t)
	sdk, err := ps.NewClient(ps.WithBaseURL(em.URL()), ps.WithServiceToken(em.TokenID(), em.Token()))
	assert.NilError(t, err)
	ctx := context.Background()
	_, err = sdk.DatabaseBranches.Create(ctx, &ps.CreateDatabaseBranchRequest{
		Organization: em.Org(), Database: "app", Name: "pr-7", ParentBranch: "main",
	})
	assert.NilError(t, err)
	poll.WaitOn(t, func(poll.LogT) poll.Result {
		b, err := sdk.DatabaseBranches.Get(ctx, &ps.GetDatabaseBranchRequest{Organization: em.Org(), Database: "app", Branch: "pr-7"})
		switch {
		case err != nil:
			return poll.Error(err)
		case !b.Ready:
			return poll.Continue("branch pr-7 is not ready")
		}
		return poll.Success()
	}, poll.WithTimeout(30*time.Second), poll.WithDelay(20*time.Millisecond))
	_, err = sdk.DeployRequests.Create(ctx, &ps.CreateDeployRequestRequest{
		Organization: em.Org(), Database: "app", Branch: "pr-7", IntoBranch: "main",
	})
	assert.NilError(t, err)

	var stdout, stderr bytes.Buffer
	env := step.MapEnv(map[string]string{
		"PLANETSCALE_API_URL": em.URL(), "PLANETSCALE_ORG": em.Org(), "INPUT_DATABASE": "app",
		"PLANETSCALE_SERVICE_TOKEN_ID": em.TokenID(), "PLANETSCALE_SERVICE_TOKEN": em.Token(),
	}, nil, &stdout, &stderr)
	assert.NilError(t, step.Run(ctx, countDeployRequests, env), stderr.String())
	assert.Check(t, is.Contains(stdout.String(), "count=1\n"))
	assert.Check(t, is.Contains(stderr.String(), "#1 pr-7 → main"))
}

// A missing input stops the step before any call, named by its own command.
func TestMissingInputNamesTheCommand(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	env := step.MapEnv(map[string]string{"PLANETSCALE_ORG": "acme"}, nil, &stdout, &stderr)
	err := step.Run(context.Background(), countDeployRequests, env)
	assert.Equal(t, step.ExitCode(err), 2)
	assert.Check(t, is.Contains(stderr.String(), "count-deploy-requests: input database is required"))
	assert.Check(t, !strings.Contains(stderr.String(), "psflow"), stderr.String())
}

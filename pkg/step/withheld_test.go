package step

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// TestActionDefaultYieldsToTheEnvironment checks that INPUT_<NAME> equal to the input's
// default, as a composite action passes it, lets PSFLOW_<NAME> through; any other value wins.
func TestActionDefaultYieldsToTheEnvironment(t *testing.T) {
	t.Parallel()
	var got string
	a := testAction(func(ctx context.Context, s *Step) error { got = s.Duration("timeout").String(); return nil })
	assert.NilError(t, run(t, a, map[string]string{"PSFLOW_ORG": "acme", "INPUT_TIMEOUT": "10m", "PSFLOW_TIMEOUT": "90s"}).err)
	assert.Equal(t, got, "1m30s")
	assert.NilError(t, run(t, a, map[string]string{"PSFLOW_ORG": "acme", "INPUT_TIMEOUT": "5m", "PSFLOW_TIMEOUT": "90s"}).err)
	assert.Equal(t, got, "5m0s")
	assert.NilError(t, run(t, a, map[string]string{"PSFLOW_ORG": "acme", "INPUT_TIMEOUT": "10m"}).err)
	assert.Equal(t, got, "10m0s")
}

// TestNoSecretsOnAForkOrDependabotPullRequest checks that a step without its service token
// succeeds with a one-line notice on a pull_request run given no secrets, else fails (exit 2).
func TestNoSecretsOnAForkOrDependabotPullRequest(t *testing.T) {
	t.Parallel()
	ran := false
	a := testAction(func(ctx context.Context, s *Step) error { ran = true; return nil })
	a.Inputs[1].Required = true // the service token
	event := func(head string) string {
		path := filepath.Join(t.TempDir(), "event.json")
		assert.NilError(t, os.WriteFile(path, []byte(`{"action":"opened","number":7,"pull_request":{"number":7,`+
			`"head":{"ref":"feature/x","repo":{"full_name":"`+head+`"}},"base":{"ref":"main","repo":{"full_name":"acme/app"}}}}`), 0o644))
		return path
	}
	github := func(name, head, actor string) map[string]string {
		return map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "acme/app", "GITHUB_EVENT_NAME": name,
			"GITHUB_EVENT_PATH": event(head), "GITHUB_ACTOR": actor, "PLANETSCALE_ORG": "acme"}
	}

	r := run(t, a, github("pull_request", "alice/app", "alice"))
	assert.NilError(t, r.err)
	assert.Check(t, !ran, "the step ran without its token")
	assert.Check(t, is.Equal(r.stdout, "::notice title=psflow echo::nothing ran: pull request #7 comes from the fork alice/app, "+
		"and GitHub gives such runs none of the repository's secrets, so the service token is unset\n"))

	r = run(t, a, github("pull_request", "acme/app", "dependabot[bot]"))
	assert.NilError(t, r.err)
	assert.Check(t, is.Contains(r.stdout, "pull request #7 is Dependabot's"))

	for name, env := range map[string]map[string]string{
		"branch of the repository": github("pull_request", "acme/app", "alice"),
		"pull_request_target":      github("pull_request_target", "alice/app", "alice"),
		"push":                     github("push", "acme/app", "dependabot[bot]"),
	} {
		r = run(t, a, env)
		assert.Check(t, is.Equal(ExitCode(r.err), 2), name)
		assert.Check(t, is.Contains(r.stderr, "input service_token is required"), name)
	}

	env := github("pull_request", "alice/app", "alice")
	env["PLANETSCALE_SERVICE_TOKEN"] = "pscale_tkn_from_a_pull_request_target"
	assert.NilError(t, run(t, a, env).err)
	assert.Check(t, ran, "a fork's run with a token did not run")
}

package step

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/psflow/psflow/pkg/runctx"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

const secretPassword = "pscale_pw_s3cr3tValue"

// testAction echoes its inputs as outputs and emits a secret output.
func testAction(run func(ctx context.Context, s *Step) error) *Action {
	a := &Action{
		Name:        "echo",
		Description: "echoes inputs",
		Inputs: []Input{
			{Name: "org", Description: "organization", Env: "PLANETSCALE_ORG", Required: true},
			{Name: "service_token", Description: "token", Secret: true, Env: "PLANETSCALE_SERVICE_TOKEN"},
			{Name: "wait", Description: "wait", Kind: Bool, Default: "true"},
			{Name: "timeout", Description: "timeout", Kind: Duration, Default: "10m"},
			{Name: "parallelism", Description: "n", Kind: Int, Default: "4"},
			{Name: "files", Description: "files", Kind: List},
			{Name: "fail_on", Description: "when to fail", Kind: Choice, Choices: []string{"none", "lint"}, Default: "none"},
		},
		Outputs: []Output{
			{Name: "org", Description: "org"},
			{Name: "notes", Description: "free text"},
			{Name: "password", Description: "password", Secret: true},
		},
	}
	a.Run = run
	if run == nil {
		a.Run = func(ctx context.Context, s *Step) error {
			s.Output("org", s.String("org"))
			s.Output("password", secretPassword)
			s.Logf("connected with %s and mysql://u:%s@host/db", secretPassword, secretPassword)
			s.Summary("password " + secretPassword)
			return nil
		}
	}
	return a
}

type result struct {
	err            error
	stdout, stderr string
}

func run(t *testing.T, a *Action, env map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	err := Run(context.Background(), a, MapEnv(env, args, &out, &errb))
	return result{err, out.String(), errb.String()}
}

func TestInputPrecedence(t *testing.T) {
	t.Parallel()
	var got string
	a := testAction(func(ctx context.Context, s *Step) error { got = s.String("org"); return nil })
	all := map[string]string{"INPUT_ORG": "from-input", "PSFLOW_ORG": "from-psflow", "PLANETSCALE_ORG": "from-pscale"}
	cases := []struct {
		name string
		drop []string
		args []string
		want string
	}{
		{"flag wins", nil, []string{"--org", "from-flag"}, "from-flag"},
		{"INPUT_ next", nil, nil, "from-input"},
		{"PSFLOW_ next", []string{"INPUT_ORG"}, nil, "from-psflow"},
		{"pscale name last", []string{"INPUT_ORG", "PSFLOW_ORG"}, nil, "from-pscale"},
	}
	for _, tc := range cases {
		env := map[string]string{}
		for k, v := range all {
			env[k] = v
		}
		for _, k := range tc.drop {
			env[k] = "" // empty counts as unset, as composite actions pass ""
		}
		r := run(t, a, env, tc.args...)
		assert.NilError(t, r.err, tc.name)
		assert.Equal(t, got, tc.want, tc.name)
	}
}

func TestTypedInputsAndDefaults(t *testing.T) {
	t.Parallel()
	a := testAction(func(ctx context.Context, s *Step) error {
		assert.Equal(t, s.Bool("wait"), false)
		assert.Equal(t, s.Duration("timeout"), 90*time.Second)
		assert.Equal(t, s.Int("parallelism"), 8)
		assert.DeepEqual(t, s.List("files"), []string{"a.sql", "b/*.sql", "c.sql"})
		assert.Equal(t, s.String("fail_on"), "lint")
		return nil
	})
	r := run(t, a, map[string]string{"PSFLOW_ORG": "acme", "INPUT_FILES": "a.sql\n b/*.sql ,c.sql\n\n", "PSFLOW_FAIL_ON": "lint"},
		"--wait=false", "--timeout", "90s", "--parallelism=8")
	assert.NilError(t, r.err)

	defaults := testAction(func(ctx context.Context, s *Step) error {
		assert.Equal(t, s.Bool("wait"), true)
		assert.Equal(t, s.Duration("timeout"), 10*time.Minute)
		assert.Equal(t, s.Int("parallelism"), 4)
		assert.Equal(t, len(s.List("files")), 0)
		return nil
	})
	assert.NilError(t, run(t, defaults, map[string]string{"PLANETSCALE_ORG": "acme"}).err)

	bare := testAction(func(ctx context.Context, s *Step) error { assert.Assert(t, s.Bool("wait")); return nil })
	assert.NilError(t, run(t, bare, map[string]string{"INPUT_ORG": "acme", "INPUT_WAIT": "false"}, "--wait").err)
}

func TestBadInputExitsTwoAndSaysWhatIsAccepted(t *testing.T) {
	t.Parallel()
	ran := false
	a := testAction(func(ctx context.Context, s *Step) error { ran = true; return nil })
	cases := []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{}, nil, "input org is required; set --org, INPUT_ORG, PSFLOW_ORG, PLANETSCALE_ORG"},
		{map[string]string{"INPUT_ORG": "a", "INPUT_WAIT": "yes please"}, nil, `input wait: "yes please" is not valid; use true or false`},
		{map[string]string{"INPUT_ORG": "a"}, []string{"--timeout", "10"}, `input timeout: "10" is not valid; use a duration with a unit, such as "90s", "10m" or "1h30m"`},
		{map[string]string{"INPUT_ORG": "a", "PSFLOW_PARALLELISM": "four"}, nil, `input parallelism: "four" is not valid; use a whole number`},
		{map[string]string{"INPUT_ORG": "a", "INPUT_FAIL_ON": "always"}, nil, `input fail_on: "always" is not valid; use one of none, lint`},
		{map[string]string{"INPUT_ORG": "a"}, []string{"--nope"}, "flag provided but not defined: -nope"},
		{map[string]string{"INPUT_ORG": "a"}, []string{"stray"}, `unexpected argument "stray"`},
	}
	for _, tc := range cases {
		r := run(t, a, tc.env, tc.args...)
		assert.Equal(t, ExitCode(r.err), ExitUsage, tc.want)
		assert.Check(t, is.Contains(r.stderr, tc.want))
		assert.Equal(t, strings.Count(r.stderr, "\n"), 1, "one line: %q", r.stderr)
	}
	assert.Assert(t, !ran, "the action ran despite bad input")
}

func TestSecretsNeverPrinted(t *testing.T) {
	t.Parallel()
	for _, github := range []bool{false, true} {
		dir := t.TempDir()
		env := map[string]string{
			"INPUT_ORG": "acme", "PLANETSCALE_SERVICE_TOKEN": "pscale_tkn_abcdef",
			"PSFLOW_OUTPUT_FILE": filepath.Join(dir, "out.env"), "PSFLOW_SUMMARY_FILE": filepath.Join(dir, "summary.md"),
		}
		if github {
			env["GITHUB_ACTIONS"] = "true"
			env["GITHUB_OUTPUT"] = filepath.Join(dir, "github_output")
		}
		a := testAction(nil)
		a.Run = func(ctx context.Context, s *Step) error {
			s.Logf("token is %s", s.String("service_token"))
			s.Output("password", secretPassword)
			s.Logf("connected with %s and root:%s@tcp(host:3306)/db", secretPassword, "otherpw")
			s.Summary("password " + secretPassword)
			return errors.New("failed with mysql://user:" + secretPassword + "@host/db")
		}
		r := run(t, a, env)
		assert.Equal(t, ExitCode(r.err), ExitFailed)
		printed := r.stdout + r.stderr
		var unmasked []string // everything but the mask commands, which must carry the secret
		for _, line := range strings.Split(printed, "\n") {
			if !strings.HasPrefix(line, "::add-mask::") {
				unmasked = append(unmasked, line)
			}
		}
		rest := strings.Join(unmasked, "\n")
		summary, err := os.ReadFile(env["PSFLOW_SUMMARY_FILE"])
		assert.NilError(t, err)
		for _, s := range []string{"pscale_tkn_abcdef", "otherpw", secretPassword} {
			assert.Check(t, !strings.Contains(rest, s), "github=%v printed %q:\n%s", github, s, printed)
		}
		assert.Check(t, !strings.Contains(string(summary), secretPassword))
		if github {
			// The mask is the only place the secret may appear, and it comes first.
			mask := "::add-mask::" + secretPassword
			assert.Check(t, is.Contains(r.stdout, mask))
			assert.Check(t, is.Contains(r.stdout, "::add-mask::pscale_tkn_abcdef"))
			assert.Check(t, strings.Index(r.stdout, mask) < strings.Index(r.stdout, "connected"))
			assert.Check(t, is.Contains(r.stdout, "::error title=psflow echo::"))
		} else {
			assert.Check(t, !strings.Contains(printed, "add-mask"))
			assert.Check(t, is.Contains(r.stdout, "password=***"))
		}
		assert.Check(t, is.Contains(r.stderr, "mysql://user:***@host/db"))
	}
}

func TestOutputFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "ps.env")
	a := testAction(func(ctx context.Context, s *Step) error {
		s.Output("org", "acme")
		s.Output("notes", "two\nlines with 'quotes'\nPSFLOW_ORG=evil")
		s.Output("password", secretPassword)
		return nil
	})
	r := run(t, a, map[string]string{"INPUT_ORG": "acme"}, "--output-file", path)
	assert.NilError(t, r.err)
	info, err := os.Stat(path)
	assert.NilError(t, err)
	assert.Equal(t, info.Mode().Perm(), os.FileMode(0o600))
	data, err := os.ReadFile(path)
	assert.NilError(t, err)
	want := "PSFLOW_OUT_ORG=acme\nPSFLOW_OUT_NOTES='two\nlines with '\\''quotes'\\''\nPSFLOW_ORG=evil'\nPSFLOW_OUT_PASSWORD=" + secretPassword + "\n"
	assert.Equal(t, string(data), want)
	assert.Check(t, is.Contains(r.stdout, "org=acme\n"))
	assert.Check(t, !strings.Contains(r.stdout, secretPassword))

	// A second step appends, and a file left readable by others is tightened.
	assert.NilError(t, os.Chmod(path, 0o644))
	assert.NilError(t, run(t, a, map[string]string{"INPUT_ORG": "acme"}, "--output-file", path).err)
	info, err = os.Stat(path)
	assert.NilError(t, err)
	assert.Equal(t, info.Mode().Perm(), os.FileMode(0o600))
	data, _ = os.ReadFile(path)
	assert.Equal(t, string(data), want+want)
}

func TestGitHubModeWithoutFilesDoesNotPanic(t *testing.T) {
	t.Parallel()
	r := run(t, testAction(nil), map[string]string{"GITHUB_ACTIONS": "true", "INPUT_ORG": "acme"})
	assert.NilError(t, r.err)
	assert.Check(t, is.Contains(r.stdout, "org=acme"))
}

func TestGitHubOutputs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out, sum := filepath.Join(dir, "output"), filepath.Join(dir, "summary")
	env := map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": out, "GITHUB_STEP_SUMMARY": sum, "INPUT_ORG": "acme"}
	a := testAction(func(ctx context.Context, s *Step) error {
		s.Output("org", "acme")
		s.Output("notes", "line1\nline2")
		s.Summary("## done")
		return nil
	})
	r := run(t, a, env)
	assert.NilError(t, r.err)
	data, err := os.ReadFile(out)
	assert.NilError(t, err)
	assert.Equal(t, string(data), "org<<"+ghDelimiter+"\nacme\n"+ghDelimiter+"\nnotes<<"+ghDelimiter+"\nline1\nline2\n"+ghDelimiter+"\n")
	summary, err := os.ReadFile(sum)
	assert.NilError(t, err)
	assert.Equal(t, string(summary), "## done\n")
	assert.Equal(t, r.stdout, "", "outputs are not echoed on GitHub")

	forged := testAction(func(ctx context.Context, s *Step) error {
		s.Output("notes", "x\n"+ghDelimiter+"\norg<<EOF\nevil\nEOF")
		return nil
	})
	r = run(t, forged, env)
	assert.Equal(t, ExitCode(r.err), ExitFailed)
	assert.Check(t, is.Contains(r.stderr, "output notes contains the workflow file-command delimiter"))
	data, _ = os.ReadFile(out)
	assert.Check(t, !strings.Contains(string(data), "evil"))
}

func TestAnnotationsCannotInjectCommands(t *testing.T) {
	t.Parallel()
	a := testAction(func(ctx context.Context, s *Step) error {
		s.Warnf("branch %s", "x\n::set-output name=org::evil")
		s.Logf("log %s", "y\n::add-mask::z")
		return nil
	})
	r := run(t, a, map[string]string{"GITHUB_ACTIONS": "true", "INPUT_ORG": "acme"})
	assert.NilError(t, r.err)
	for _, line := range strings.Split(r.stdout, "\n") {
		assert.Check(t, !strings.HasPrefix(line, "::set-output") && !strings.HasPrefix(line, "::add-mask::z"), "%q", line)
	}
	assert.Check(t, is.Contains(r.stdout, "::warning title=psflow echo::branch x%0A::set-output name=org::evil"))
}

func TestExitCodes(t *testing.T) {
	t.Parallel()
	assert.Equal(t, ExitCode(nil), 0)
	assert.Equal(t, ExitCode(errors.New("x")), 1)
	assert.Equal(t, ExitCode(Usagef("bad")), 2)
	assert.Equal(t, ExitCode(context.DeadlineExceeded), 3)
	assert.Equal(t, ExitCode(DeployFailedf("complete_error")), 4)
	assert.Equal(t, ExitCode(reported{WithCode(3, errors.New("late"))}), 3)
}

func TestHelp(t *testing.T) {
	t.Parallel()
	r := run(t, testAction(nil), nil, "--help")
	assert.NilError(t, r.err)
	assert.Check(t, is.Contains(r.stdout, "Usage: psflow echo [flags]"))
	assert.Check(t, is.Contains(r.stdout, "--service-token"))
	assert.Check(t, is.Contains(r.stdout, "also PLANETSCALE_SERVICE_TOKEN"))
}

func TestContext(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "event.json")
	assert.NilError(t, os.WriteFile(path, []byte(`{"action":"closed","number":7,"pull_request":{"title":"Add users","html_url":"https://github.com/o/r/pull/7","merged":true,"head":{"ref":"feature/x"}}}`), 0o600))
	var first, second runctx.Context
	a := testAction(func(ctx context.Context, s *Step) error {
		var err error
		if first, err = s.Context(); err != nil {
			return err
		}
		second, err = s.Context()
		return err
	})
	r := run(t, a, map[string]string{"INPUT_ORG": "a", "GITHUB_EVENT_PATH": path, "GITHUB_REPOSITORY": "o/r"})
	assert.NilError(t, r.err)
	assert.DeepEqual(t, first, second)
	assert.Equal(t, first.CI, runctx.GitHubActions)
	assert.Equal(t, first.Event, runctx.Merged)
	assert.Equal(t, first.Repository, "o/r")
	assert.Equal(t, first.HeadRef, "feature/x")
	assert.Equal(t, first.PullRequest, 7)
	assert.Equal(t, first.Title, "Add users")
	line := "GitHub Actions: pull request #7 (merged) from feature/x, repository github.com/o/r\n"
	assert.Equal(t, strings.Count(r.stderr, line), 1, "the context is logged once: %q", r.stderr)
}

func TestContextOutsideCI(t *testing.T) {
	t.Parallel()
	var got runctx.Context
	a := testAction(func(ctx context.Context, s *Step) error {
		var err error
		got, err = s.Context()
		return err
	})
	r := run(t, a, map[string]string{"INPUT_ORG": "a"})
	assert.NilError(t, r.err)
	assert.DeepEqual(t, got, runctx.Context{})
	assert.Equal(t, r.stderr, "", "outside a CI nothing is logged")
}

func TestContextErrorIsTheActionsToReport(t *testing.T) {
	t.Parallel()
	var err error
	a := testAction(func(ctx context.Context, s *Step) error {
		_, err = s.Context()
		return nil
	})
	r := run(t, a, map[string]string{"INPUT_ORG": "a", "CODEBUILD_BUILD_ID": "b:1", "CODEBUILD_WEBHOOK_TRIGGER": "pr/x"})
	assert.NilError(t, r.err)
	assert.ErrorContains(t, err, `CODEBUILD_WEBHOOK_TRIGGER: "x" is not a pull request number`)
	assert.Check(t, !strings.Contains(r.stderr, "CodeBuild"), "a context that cannot be read is not logged: %q", r.stderr)
}

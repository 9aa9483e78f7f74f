package step

import (
	"context"
	"strings"
	"testing"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// boolAction takes two booleans, one true by default, and a text input.
func boolAction(got map[string]any) *Action {
	return &Action{
		Name: "bools",
		Inputs: []Input{
			{Name: "dry_run", Kind: Bool, Default: "false"},
			{Name: "wait", Kind: Bool, Default: "true"},
			{Name: "branch"},
		},
		Run: func(ctx context.Context, s *Step) error {
			got["dry_run"], got["wait"], got["branch"] = s.Bool("dry_run"), s.Bool("wait"), s.String("branch")
			return nil
		},
	}
}

// A boolean flag takes its value joined (--x=false), as the next argument (--x false) or not
// at all (--x), and never takes the next flag or the value of another flag.
func TestBoolFlagForms(t *testing.T) {
	t.Parallel()
	cases := []struct {
		args   []string
		dryRun bool
		wait   bool
		branch string
	}{
		{nil, false, true, ""},
		{[]string{"--dry-run"}, true, true, ""},
		{[]string{"--dry-run=true"}, true, true, ""},
		{[]string{"--dry-run", "true"}, true, true, ""},
		{[]string{"--dry-run=false"}, false, true, ""},
		{[]string{"--dry-run", "false"}, false, true, ""},
		{[]string{"-dry-run", "true"}, true, true, ""},
		{[]string{"--wait", "false"}, false, false, ""},
		{[]string{"--wait", "FALSE"}, false, false, ""},
		{[]string{"--wait", "0"}, false, false, ""},
		{[]string{"--wait", "no", "--dry-run", "yes"}, true, false, ""},
		{[]string{"--wait", "false", "--dry-run"}, true, false, ""},
		{[]string{"--dry-run", "--branch", "x"}, true, true, "x"},
		{[]string{"--dry-run", "true", "--branch", "x"}, true, true, "x"},
		{[]string{"--branch", "x", "--dry-run", "false"}, false, true, "x"},
		{[]string{"--branch=x", "--wait", "false"}, false, false, "x"},
		{[]string{"--branch", "true", "--dry-run"}, true, true, "true"},                // a flag's value is its own
		{[]string{"--branch", "--dry-run", "--wait=false"}, false, false, "--dry-run"}, // as the flag package reads it
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			got := map[string]any{}
			r := run(t, boolAction(got), nil, tc.args...)
			assert.NilError(t, r.err, r.stderr)
			assert.DeepEqual(t, got, map[string]any{"dry_run": tc.dryRun, "wait": tc.wait, "branch": tc.branch})
		})
	}
}

// A word after a boolean flag that is not true or false is not taken,
// and the one-line error says which form to use.
func TestBoolFlagErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--dry-run", "maybe"}, `unexpected argument "maybe" after --dry-run: --dry-run takes true or false, as --dry-run=true, --dry-run=false, --dry-run true or --dry-run alone for true`},
		{[]string{"--dry-run=maybe"}, `input dry_run: "maybe" is not valid; use true or false`},
		{[]string{"--dry-run", "true", "stray"}, `unexpected argument "stray"; every input is a --flag`},
		{[]string{"stray", "--dry-run", "true"}, `unexpected argument "stray"; every input is a --flag`},
		{[]string{"--dry-run", "--", "true"}, `unexpected argument "true"; every input is a --flag`},
		{[]string{"--nope", "true"}, "flag provided but not defined: -nope"},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			ran := map[string]any{}
			r := run(t, boolAction(ran), nil, tc.args...)
			assert.Equal(t, ExitCode(r.err), ExitUsage)
			assert.Check(t, is.Contains(r.stderr, tc.want))
			assert.Equal(t, strings.Count(r.stderr, "\n"), 1, "one line: %q", r.stderr)
			assert.Equal(t, len(ran), 0, "the action ran")
		})
	}
}

// --show-inputs prints each input's value and source and runs nothing.
func TestShowInputs(t *testing.T) {
	t.Parallel()
	ran := false
	a := testAction(func(ctx context.Context, s *Step) error { ran = true; return nil })
	r := run(t, a, map[string]string{"PLANETSCALE_ORG": "acme", "PSFLOW_SERVICE_TOKEN": "pscale_tkn_abcdef", "INPUT_FILES": "a.sql\nb.sql"},
		"--show-inputs", "--wait", "false", "--timeout=90s")
	assert.NilError(t, r.err)
	assert.Assert(t, !ran)
	assert.Equal(t, r.stdout, "org=acme (PLANETSCALE_ORG)\nservice_token=*** (PSFLOW_SERVICE_TOKEN)\nwait=false (--wait)\ntimeout=90s (--timeout)\n"+
		"parallelism=4 (default)\nfiles='a.sql\nb.sql' (INPUT_FILES)\nfail_on=none (default)\n")
}

// A step with a Command of its own says it in its usage and its errors.
func TestCommandNamesTheStep(t *testing.T) {
	t.Parallel()
	a := &Action{Name: "count", Description: "Count.", Command: "count-deploy-requests",
		Inputs: []Input{{Name: "database", Required: true}},
		Run:    func(context.Context, *Step) error { return nil }}
	r := run(t, a, nil)
	assert.Check(t, is.ErrorContains(r.err, "input database is required"))
	assert.Check(t, is.Contains(r.stderr, "count-deploy-requests: input database is required"))
	assert.Check(t, !strings.Contains(r.stderr, "psflow"), r.stderr)
	help := run(t, a, nil, "--help")
	assert.Check(t, is.Contains(help.stdout+help.stderr, "Usage: count-deploy-requests [flags]"))
	a.Command = ""
	assert.Check(t, is.Contains(run(t, a, nil).stderr, "psflow count: input database is required"))
}

package reliability

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/psflow/psflow/actions"
	"github.com/psflow/psflow/internal/ghfake"
	"github.com/psflow/psflow/internal/scope"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// badValue is one value an input is tried with.
type badValue struct {
	name  string
	value string
}

// pwned is a file the shell metacharacters in hostile values would create
// if anything ran them through a shell; {dir} is the test's folder.
const pwned = "{dir}/pwned"

// badValues are the values every input is tried with: empty, oversized,
// of the wrong type for its kind, and hostile.
func badValues(in step.Input) []badValue {
	vals := []badValue{
		{"empty", ""},
		{"oversized", strings.Repeat("a", 100<<10)},
		{"shell", "$(touch " + pwned + ")`touch " + pwned + "`; touch " + pwned + " | cat && echo x > " + pwned},
		{"newline-output", "pr-1\npassword=evil\ndsn<<EOF\nevil\nEOF"},
		{"newline-command", "pr-1\n::set-output name=password::evil\n::add-path::/tmp/evil"},
		{"command", "::error::injected"},
		{"encoded-newline", "pr-1%0A::warning::injected%0D%0A::set-env name=X::y"},
		{"delimiter", "pr-1\n" + ghDelimiter + "\nbranch<<" + ghDelimiter + "\nevil"},
		{"carriage-return", "pr-1\r::notice::injected\r\n::stop-commands::x"},
		{"env-file", "pr-1\nPSFLOW_PASSWORD=evil'\n'"},
	}
	wrong := map[step.Kind]string{step.Bool: "maybe", step.Int: "12abc", step.Duration: "5 minutes", step.Choice: "bogus", step.String: "\xff\xfe", step.List: "\xff,\xfe"}
	return append(vals, badValue{"wrong-type", wrong[in.Kind]})
}

// plainValues are the values also tried in plain mode: those that could
// forge a line of the output file.
var plainValues = []string{"shell", "newline-output", "env-file", "delimiter"}

// TestBadInput gives every action's inputs each bad value, in GitHub and plain mode: the run
// exits 0, 1 or 2 and forges no output, workflow command or shell command.
func TestBadInput(t *testing.T) {
	t.Parallel()
	type bcase struct {
		a    *step.Action
		in   step.Input
		val  badValue
		mode string
	}
	ems := map[string]*emulator.Emulator{}
	base := map[string][]string{}
	var cases []bcase
	for _, a := range actions.All() {
		sc := scenarios()[slices.IndexFunc(scenarios(), func(s scenario) bool { return s.name == a.Name })]
		ems[a.Name], base[a.Name] = sc.start(t)
		for _, in := range a.Inputs {
			for _, v := range badValues(in) {
				// Unset, a URL input is the real API's: not a place to call.
				if v.value == "" && strings.HasPrefix(in.Default, "http") {
					continue
				}
				cases = append(cases, bcase{a, in, v, "github"})
				// The output file is where plain mode could be forged.
				if slices.Contains(plainValues, v.name) {
					cases = append(cases, bcase{a, in, v, "plain"})
				}
			}
		}
	}
	parallel(t, cases, func(c bcase) string { return c.a.Name + "/" + c.in.Name + "/" + c.val.name + "/" + c.mode }, func(t *testing.T, c bcase) {
		em := ems[c.a.Name]
		dir := t.TempDir()
		value := strings.ReplaceAll(c.val.value, "{dir}", dir)
		vars := env(em, em.URL())
		vars[scope.RetryMaxElapsedEnv] = "500ms"
		up := strings.ToUpper(c.in.Name)
		delete(vars, "PLANETSCALE_"+up)
		vars["PSFLOW_"+up] = value
		r := runInMode(t, c.mode, vars, c.a.Name, withoutFlag(base[c.a.Name], c.in.Flag())...)

		assert.Check(t, slices.Contains([]int{0, 1, 2}, r.ExitCode), "exit %d", r.ExitCode)
		if r.ExitCode != 0 {
			assert.Check(t, is.Equal(strings.Count(r.Stderr(), "psflow "+c.a.Name+": "), 1), "want one error line")
		}
		_, err := os.Stat(filepath.Join(dir, "pwned"))
		assert.Check(t, os.IsNotExist(err), "a shell ran the value")
		for name := range r.outputs {
			assert.Check(t, slices.ContainsFunc(c.a.Outputs, func(o step.Output) bool { return o.Name == name }), "undeclared output %q", name)
		}
		if r.github {
			for _, cmd := range workflowCommands(r.Stdout()) {
				assert.Check(t, allowedCommand(cmd, c.a.Name, c.in, value), "workflow command %q", cmd)
			}
		}
	})
	t.Logf("bad input: %d runs over %d actions", len(cases), len(actions.All()))
}

// commandRE is a workflow command psflow issues: a mask, or an annotation
// titled with the action.
var commandRE = regexp.MustCompile(`^::(add-mask|error|warning|notice)( title=psflow ([a-z-]+))?::`)

// allowedCommand reports whether a workflow command is psflow's own: an annotation of this
// action, or a mask of a secret input's value (which the runner only hides).
func allowedCommand(cmd, action string, in step.Input, value string) bool {
	m := commandRE.FindStringSubmatch(cmd)
	if m == nil {
		return false
	}
	if m[1] == "add-mask" {
		return in.Secret || !strings.Contains(value, strings.TrimPrefix(cmd, "::add-mask::"))
	}
	return m[3] == action
}

// withoutFlag drops a flag and its value from args.
func withoutFlag(args []string, flag string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		if args[i] == flag || strings.HasPrefix(args[i], flag+"=") {
			if !strings.Contains(args[i], "=") && i+1 < len(args) && !strings.HasPrefix(args[i+1], "--") {
				i++
			}
			continue
		}
		out = append(out, args[i])
	}
	return out
}

// TestHostileEvent feeds hostile text through the GitHub event: a pull request title (the deploy
// request's notes, in the comment and summary) and a head ref (the branch outside a PR).
func TestHostileEvent(t *testing.T) {
	t.Parallel()
	const hostile = "Fix\n::set-output name=number::666\n::add-path::/tmp/evil\n" + ghDelimiter + "\n$(touch {dir}/pwned)"
	type ecase struct {
		name, action string
		event        func(t *testing.T, value string) map[string]string
	}
	cases := []ecase{
		{"pull-request-title", "open-deploy-request", func(t *testing.T, value string) map[string]string {
			return map[string]string{"GITHUB_EVENT_PATH": eventFile(t, map[string]any{
				"action": "opened", "number": 2,
				"pull_request": map[string]any{"number": 2, "title": value, "html_url": "https://github.com/acme/app/pull/2", "head": map[string]any{"ref": value}},
			})}
		}},
		{"head-ref", "create-branch", func(t *testing.T, value string) map[string]string {
			return map[string]string{"GITHUB_HEAD_REF": value, "GITHUB_REF_NAME": value}
		}},
	}
	parallel(t, cases, func(c ecase) string { return c.name }, func(t *testing.T, c ecase) {
		em := emulatortest.Start(t)
		exec(t, em, "main", baseSchema...)
		branchWith(t, em, "pr-2", postsTable)
		gh := ghfake.New(t)
		gh.AddPull("acme", "app", 2, "open", false)
		dir := t.TempDir()
		value := strings.ReplaceAll(hostile, "{dir}", dir)
		vars := withGitHub(t, env(em, em.URL()), gh)
		delete(vars, "GITHUB_EVENT_PATH")
		for k, v := range c.event(t, value) {
			vars[k] = v
		}
		r := runInMode(t, "github", vars, c.action)
		r.Assert(t, icmd.Success)
		a, _ := actions.Find(c.action)
		for name := range r.outputs {
			assert.Check(t, slices.ContainsFunc(a.Outputs, func(o step.Output) bool { return o.Name == name }), "undeclared output %q", name)
		}
		assert.Check(t, r.outputs["number"] != "666" && r.outputs["branch"] != "666")
		for _, cmd := range workflowCommands(r.Stdout()) {
			assert.Check(t, allowedCommand(cmd, c.action, step.Input{}, value), "workflow command %q", cmd)
		}
		_, err := os.Stat(filepath.Join(dir, "pwned"))
		assert.Check(t, os.IsNotExist(err), "a shell ran the value")
		if c.action == "create-branch" {
			assert.Check(t, planetscale.ValidateBranchName(r.outputs["branch"]))
		} else {
			comments := gh.Comments("acme", "app", 2)
			assert.Assert(t, is.Len(comments, 1))
			assert.Check(t, is.Contains(comments[0].Body, "deploy request"))
		}
	})
}

// eventFile writes a GitHub event payload and returns its path.
func eventFile(t *testing.T, payload map[string]any) string {
	t.Helper()
	data, err := json.Marshal(payload)
	assert.NilError(t, err)
	path := filepath.Join(t.TempDir(), "event.json")
	assert.NilError(t, os.WriteFile(path, data, 0o600))
	return path
}

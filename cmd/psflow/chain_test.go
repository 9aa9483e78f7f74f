package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/psflow/psflow/actions"
	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/internal/testbin"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// TestSourcingOutputsSetsOnlyHandOvers sources each step's output file as a buildspec does:
// the inputs then differ only by the hand-overs, branch, reported_diff and number.
func TestSourcingOutputsSetsOnlyHandOvers(t *testing.T) {
	em := emulatortest.Start(t)
	dir := t.TempDir()
	schema := filepath.Join(dir, "schema")
	assert.NilError(t, os.MkdirAll(schema, 0o755))
	assert.NilError(t, os.WriteFile(filepath.Join(schema, "posts.sql"), []byte("CREATE TABLE posts (id BIGINT PRIMARY KEY, title VARCHAR(200));\n"), 0o644))
	outFile := filepath.Join(dir, "out.env")
	base := actiontest.Env(em, "app")
	base["PATH"], base["HOME"], base["PSFLOW_OUTPUT_FILE"] = os.Getenv("PATH"), t.TempDir(), outFile

	steps := []struct {
		action string
		args   []string
		hands  map[string]string // the inputs sourcing its outputs sets, with the output they carry
	}{
		{"create-branch", []string{"--branch", "feature-x"}, map[string]string{"branch": "branch"}},
		{"seed-branch", []string{"--schema", schema}, nil},
		{"open-deploy-request", nil, map[string]string{"reported_diff": "reported_diff", "number": "number"}},
		{"wait-and-deploy", nil, nil},
		{"delete-branch", nil, nil},
	}
	env := base
	handed := map[string]string{} // input -> the value handed over so far
	for _, st := range steps {
		res := run(t, env, st.action, st.args...)
		res.Assert(t, icmd.Success)
		env = source(t, env, outFile)
		if _, exists := em.BranchDatabase("app", "feature-x"); st.action == "create-branch" {
			assert.Assert(t, exists, "create-branch created feature-x")
		}
		outputs := actiontest.ReadOutputs(t, outFile)
		for in, out := range st.hands {
			assert.Assert(t, outputs[out] != "", "%s output %s", st.action, out)
			handed[in] = outputs[out]
		}
		for _, a := range actions.All() {
			before, after := inputLines(t, base, a.Name), inputLines(t, env, a.Name)
			for _, in := range a.Inputs {
				want := before[in.Name]
				if v, ok := handed[in.Name]; ok {
					want = in.Name + "=" + quote(v) + " (PSFLOW_" + strings.ToUpper(in.Name) + ")"
				}
				assert.Check(t, is.Equal(after[in.Name], want), "after sourcing %s's outputs: %s input %s", st.action, a.Name, in.Name)
			}
		}
	}
	assert.Check(t, is.Equal(handed["branch"], "feature-x"))
	_, exists := em.BranchDatabase("app", "feature-x")
	assert.Check(t, !exists, "delete-branch deleted the handed-over branch")
}

// run runs `psflow <action> args...` with exactly env.
func run(t *testing.T, env map[string]string, action string, args ...string) *icmd.Result {
	t.Helper()
	cmd := icmd.Command(testbin.Psflow(t), append([]string{action}, args...)...)
	cmd.Env = envList(env)
	res := icmd.RunCmd(cmd)
	t.Logf("psflow %s %v: exit %d\n%s%s", action, args, res.ExitCode, res.Stdout(), res.Stderr())
	return res
}

// source returns env after bash ran `set -a; . file; set +a` in it.
func source(t *testing.T, env map[string]string, file string) map[string]string {
	t.Helper()
	cmd := exec.Command("bash", "-c", `set -a; . "$1"; set +a; env -0`, "bash", file)
	cmd.Env = envList(env)
	out, err := cmd.Output()
	assert.NilError(t, err)
	got := map[string]string{}
	for _, kv := range strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00") {
		k, v, _ := strings.Cut(kv, "=")
		if k != "_" && k != "PWD" && k != "SHLVL" && k != "OLDPWD" {
			got[k] = v
		}
	}
	return got
}

// inputLines are the lines of --show-inputs, by input name.
func inputLines(t *testing.T, env map[string]string, action string) map[string]string {
	t.Helper()
	cmd := icmd.Command(testbin.Psflow(t), action, "--show-inputs")
	cmd.Env = envList(env)
	res := icmd.RunCmd(cmd)
	res.Assert(t, icmd.Success)
	lines := map[string]string{}
	for _, l := range strings.Split(strings.TrimSuffix(res.Stdout(), "\n"), "\n") {
		name, _, _ := strings.Cut(l, "=")
		lines[name] = l
	}
	return lines
}

// quote is a value as --show-inputs prints it: a plain word as is, else
// single-quoted as in an output file.
func quote(v string) string {
	if strings.IndexFunc(v, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.,:/@+=%", r))
	}) < 0 {
		return v
	}
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}

func envList(env map[string]string) []string {
	var out []string
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

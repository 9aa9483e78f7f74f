package reliability

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/internal/testbin"
	"gotest.tools/v3/assert"
	"gotest.tools/v3/icmd"
)

// modes are psflow's two ways to run: a GitHub action (INPUT_*, GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY) and plain CI (pscale variable names, output and summary files).
var modes = []string{"github", "plain"}

// modeRun is one finished run in a mode, with everything it wrote.
type modeRun struct {
	*icmd.Result
	github  bool
	outRaw  string            // GITHUB_OUTPUT or the output file, as written
	outputs map[string]string // parsed from it
	summary string
}

// printed is everything the run wrote where a person or a log sees it.
func (r modeRun) printed() string { return r.Stdout() + r.Stderr() + r.summary }

// runInMode runs `psflow action args...` in a mode, vars being the run's scope as
// PLANETSCALE_*/PSFLOW_* names, passed as INPUT_* in GitHub mode.
func runInMode(t *testing.T, mode string, vars map[string]string, action string, args ...string) modeRun {
	t.Helper()
	dir := t.TempDir()
	out, summary := filepath.Join(dir, "output"), filepath.Join(dir, "summary.md")
	env := map[string]string{"PATH": os.Getenv("PATH"), "HOME": t.TempDir()}
	github := mode == "github"
	for k, v := range vars {
		if github {
			k = inputName(k)
		}
		env[k] = v
	}
	if github {
		env["GITHUB_ACTIONS"], env["GITHUB_OUTPUT"], env["GITHUB_STEP_SUMMARY"] = "true", out, summary
		assert.NilError(t, os.WriteFile(out, nil, 0o644)) // the runner makes both files
		assert.NilError(t, os.WriteFile(summary, nil, 0o644))
	} else {
		env["PSFLOW_OUTPUT_FILE"], env["PSFLOW_SUMMARY_FILE"] = out, summary
	}
	cmd := icmd.Command(testbin.Psflow(t), append([]string{action}, args...)...)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Timeout = 2 * time.Minute
	cmd.Dir = t.TempDir() // a run's workspace: what an action writes stays out of the source tree
	res := icmd.RunCmd(cmd)
	t.Logf("psflow %s %v (%s mode): exit %d\nstdout:\n%s\nstderr:\n%s", action, args, mode, res.ExitCode, res.Stdout(), res.Stderr())
	r := modeRun{Result: res, github: github, summary: readFile(t, summary)}
	r.outRaw = readFile(t, out)
	if github {
		r.outputs = parseGitHubOutput(t, r.outRaw)
	} else {
		r.outputs = actiontest.ReadOutputs(t, out)
	}
	return r
}

// inputName turns a PLANETSCALE_*/PSFLOW_* variable into the INPUT_*
// variable GitHub passes for the same input.
func inputName(k string) string {
	switch k {
	case "PLANETSCALE_API_URL", "PLANETSCALE_ORG", "PLANETSCALE_SERVICE_TOKEN_ID", "PLANETSCALE_SERVICE_TOKEN":
		return "INPUT_" + strings.TrimPrefix(k, "PLANETSCALE_")
	}
	if strings.HasPrefix(k, "PSFLOW_") && !strings.HasPrefix(k, "PSFLOW_RETRY_") {
		return "INPUT_" + strings.TrimPrefix(k, "PSFLOW_")
	}
	return k
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return ""
	}
	assert.NilError(t, err)
	return string(data)
}

// ghDelimiter is the heredoc delimiter go-githubactions writes around
// output values.
const ghDelimiter = "_GitHubActionsFileCommandDelimeter_"

// parseGitHubOutput reads a GITHUB_OUTPUT file as the runner does (name=value lines,
// name<<DELIMITER blocks), failing on a line the runner rejects and on an output set twice.
func parseGitHubOutput(t *testing.T, data string) map[string]string {
	t.Helper()
	outputs := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		var name, value string
		if n, delim, ok := strings.Cut(line, "<<"); ok && !strings.Contains(n, "=") {
			var lines []string
			closed := false
			for sc.Scan() {
				if sc.Text() == delim {
					closed = true
					break
				}
				lines = append(lines, sc.Text())
			}
			assert.Assert(t, closed, "output %s: no closing delimiter %q", n, delim)
			name, value = n, strings.Join(lines, "\n")
		} else {
			n, v, ok := strings.Cut(line, "=")
			assert.Assert(t, ok, "GITHUB_OUTPUT line %q is neither name=value nor name<<delimiter", line)
			name, value = n, v
		}
		_, dup := outputs[name]
		assert.Assert(t, !dup, "output %s set twice", name)
		outputs[name] = value
	}
	assert.NilError(t, sc.Err())
	return outputs
}

// workflowCommands returns the workflow commands a run printed: lines
// that start with "::", as the runner reads them.
func workflowCommands(stdout string) []string {
	var cmds []string
	for _, l := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(strings.TrimLeft(l, " \t"), "::") {
			cmds = append(cmds, l)
		}
	}
	return cmds
}

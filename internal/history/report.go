package history

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"gotest.tools/v3/assert"
)

// reportOutputs are the outputs a report shows, by action.
var reportOutputs = map[string][]string{
	"create-branch":       {"created"},
	"seed-branch":         {"result", "reason", "recreated", "dropped", "rows"},
	"open-deploy-request": {"number", "deployment_state", "has_changes", "destructive"},
	"wait-and-deploy":     {"deployment_state"},
	"delete-branch":       {"deleted"},
}

// Report is the steps a Binary runner ran, one line each: the pull
// request, the action, its exit code and its main outputs.
func (b *Binary) Report() string {
	var sb strings.Builder
	for _, s := range b.Steps {
		fmt.Fprintf(&sb, "#%d %s exit %d", s.PR, s.Action, s.Exit)
		for _, k := range reportOutputs[s.Action] {
			if v, ok := s.Outputs[k]; ok && v != "" {
				fmt.Fprintf(&sb, " %s=%q", k, v)
			}
		}
		if s.Exit != 0 {
			lines := slices.DeleteFunc(strings.Split(s.Log, "\n"), func(l string) bool { return l == "" })
			if len(lines) > 0 {
				fmt.Fprintf(&sb, "\n    %s", lines[len(lines)-1])
			}
		}
		sb.WriteString("\n")
	}
	return sb.String()
}

// WriteReport writes the runner's report to the file PSFLOW_HISTORY_REPORT
// names, when it is set, and to the test log.
func (b *Binary) WriteReport(t *testing.T) {
	t.Helper()
	report := b.Report()
	t.Logf("steps:\n%s", report)
	if path := os.Getenv("PSFLOW_HISTORY_REPORT"); path != "" {
		assert.NilError(t, os.WriteFile(path, []byte(report), 0o644))
	}
}

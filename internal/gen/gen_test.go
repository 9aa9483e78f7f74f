package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/psflow/psflow/actions"
	"gopkg.in/yaml.v3"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// TestGeneratedFilesAreFresh fails when an action's declaration changed
// without `go generate ./...`.
func TestGeneratedFilesAreFresh(t *testing.T) {
	stale, err := generate("../..", false)
	assert.NilError(t, err)
	assert.Assert(t, len(stale) == 0, "stale generated files, run go generate ./...: %v", stale)
}

// TestActionYAML checks the shape GitHub needs: every input passed through
// env:, every output wired, and no expression inside run:.
func TestActionYAML(t *testing.T) {
	for _, a := range actions.All() {
		var doc struct {
			Inputs  map[string]map[string]any
			Outputs map[string]struct{ Value string }
			Runs    struct {
				Using string
				Steps []struct {
					ID, Shell, Run string
					Env            map[string]string
				}
			}
		}
		assert.NilError(t, yaml.Unmarshal(actionYAML(a), &doc), a.Name)
		assert.Equal(t, doc.Runs.Using, "composite")
		assert.Equal(t, len(doc.Runs.Steps), 1)
		st := doc.Runs.Steps[0]
		assert.Check(t, !strings.Contains(st.Run, "${{"), "%s: expression in run: %q", a.Name, st.Run)
		assert.Check(t, is.Contains(st.Run, "entrypoint/psflow.sh\" "+a.Name))
		assert.Equal(t, len(doc.Inputs), len(a.Inputs))
		for _, in := range a.Inputs {
			assert.Equal(t, st.Env["INPUT_"+strings.ToUpper(in.Name)], "${{ inputs."+in.Name+" }}")
		}
		for _, o := range a.Outputs {
			assert.Equal(t, doc.Outputs[o.Name].Value, "${{ steps.psflow.outputs."+o.Name+" }}")
		}
	}
}

func TestStaleFileIsReported(t *testing.T) {
	root := t.TempDir()
	readme := "# x\n<!-- BEGIN GENERATED: delete-branch -->\nold\n<!-- END GENERATED: delete-branch -->\n"
	assert.NilError(t, os.WriteFile(filepath.Join(root, "README.md"), []byte(readme), 0o644))
	for _, a := range actions.All() {
		assert.NilError(t, os.MkdirAll(filepath.Join(root, "actions", a.Name), 0o755))
	}
	assert.NilError(t, os.MkdirAll(filepath.Join(root, ".github", "workflows"), 0o755))
	stale, err := generate(root, true)
	assert.NilError(t, err)
	assert.Equal(t, len(stale), len(actions.All())+2) // action.yml files, README, check workflow
	stale, err = generate(root, false)
	assert.NilError(t, err)
	assert.Equal(t, len(stale), 0)
	got, err := os.ReadFile(filepath.Join(root, "README.md"))
	assert.NilError(t, err)
	assert.Check(t, is.Contains(string(got), "| `older_than` | Sweep: only branches created longer ago than this. | `72h` |"))
}

// TestQuotedScalarsRoundTrip checks that free text reaches GitHub as it was
// declared, whatever YAML syntax it holds.
func TestQuotedScalarsRoundTrip(t *testing.T) {
	for _, s := range []string{"it's", "a: b", "# not a comment", "${{ x }}", "true", "line\nbreak", " padded "} {
		var got map[string]string
		assert.NilError(t, yaml.Unmarshal(render(mapping(pair{"k", quoted(s)})), &got))
		assert.Check(t, is.Equal(got["k"], s))
	}
}

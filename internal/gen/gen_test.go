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

// TestStaleFileIsReported checks that a stale or missing file is reported
// and written, and that an action's page keeps its hand-written part.
func TestStaleFileIsReported(t *testing.T) {
	root := t.TempDir()
	page := "# delete-branch\n\nHand-written.\n\n<!-- BEGIN GENERATED: delete-branch -->\nold\n<!-- END GENERATED: delete-branch -->\n\nMore prose.\n"
	pagePath := filepath.Join(root, "docs", "actions", "delete-branch.md")
	assert.NilError(t, os.MkdirAll(filepath.Dir(pagePath), 0o755))
	assert.NilError(t, os.WriteFile(pagePath, []byte(page), 0o644))
	for _, a := range actions.All() {
		assert.NilError(t, os.MkdirAll(filepath.Join(root, "actions", a.Name), 0o755))
	}
	assert.NilError(t, os.MkdirAll(filepath.Join(root, ".github", "workflows"), 0o755))
	stale, err := generate(root, true)
	assert.NilError(t, err)
	assert.Equal(t, len(stale), 2*len(actions.All())+1) // action.yml files, pages, check workflow
	stale, err = generate(root, false)
	assert.NilError(t, err)
	assert.Equal(t, len(stale), 0)
	got, err := os.ReadFile(pagePath)
	assert.NilError(t, err)
	assert.Check(t, is.Contains(string(got), "| `older_than` | Sweep: only branches created longer ago than this. | `72h` |"))
	assert.Check(t, strings.HasPrefix(string(got), "# delete-branch\n\nHand-written.\n\n<!-- BEGIN GENERATED: delete-branch -->\nSet an input with"))
	assert.Check(t, strings.HasSuffix(string(got), "<!-- END GENERATED: delete-branch -->\n\nMore prose.\n"))
	created, err := os.ReadFile(filepath.Join(root, "docs", "actions", "create-branch.md"))
	assert.NilError(t, err)
	assert.Check(t, is.Contains(string(created), "# create-branch\n\n"))
	assert.Check(t, is.Contains(string(created), "| `parent_branch` |"))
}

// TestPageWithoutItsSection fails the generator rather than leave a page
// without its tables, or with another action's.
func TestPageWithoutItsSection(t *testing.T) {
	for _, page := range []string{
		"# delete-branch\n\nNo tables.\n",
		"<!-- BEGIN GENERATED: create-branch -->\n<!-- END GENERATED: create-branch -->\n",
		"<!-- BEGIN GENERATED: delete-branch -->\n<!-- END GENERATED: delete-branch -->\n<!-- BEGIN GENERATED: delete-branch -->\n<!-- END GENERATED: delete-branch -->\n",
	} {
		root := t.TempDir()
		path := filepath.Join(root, "docs", "actions", "delete-branch.md")
		assert.NilError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		assert.NilError(t, os.WriteFile(path, []byte(page), 0o644))
		_, err := generate(root, false)
		assert.Check(t, is.ErrorContains(err, "docs/actions/delete-branch.md must hold one generated section"), page)
	}
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

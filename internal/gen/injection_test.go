package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/psflow/psflow/actions"
	"gopkg.in/yaml.v3"
	"gotest.tools/v3/assert"
)

// TestNoExpressionInRunScripts fails when an action.yml pastes a ${{ … }} expression into a
// run: script, where a branch name or PR title could inject shell; values go through env:.
func TestNoExpressionInRunScripts(t *testing.T) {
	var checked int
	err := filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata" || d.Name() == ".bin") {
			return filepath.SkipDir
		}
		if d.Name() != "action.yml" && d.Name() != "action.yaml" {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var doc struct {
			Runs struct {
				Steps []struct{ Run string }
			}
		}
		if err := yaml.Unmarshal(data, &doc); err != nil {
			return err
		}
		for _, st := range doc.Runs.Steps {
			assert.Check(t, !strings.Contains(st.Run, "${{"), "%s: expression inside run: %q", path, st.Run)
		}
		checked++
		return nil
	})
	assert.NilError(t, err)
	assert.Equal(t, checked, 1+len(actions.All()), "the setup action.yml and one per action")
}

package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gotest.tools/v3/assert"
)

// remoteUses matches a `uses:` of an action in another repository and
// captures what follows the @: its ref and the rest of the line.
var remoteUses = regexp.MustCompile(`(?m)^\s*(?:-\s+)?uses:\s+([\w.-]+/[\w./-]+)@(\S+)(.*)$`)

// fullSHA is a commit, the one ref nobody can move.
var fullSHA = regexp.MustCompile(`^[0-9a-f]{40}$`)

// TestWorkflowsPinActionsByCommit requires third-party actions pinned by full commit SHA, as
// GitHub's security hardening guide advises; examples keep psflow's own at @v1, as the README.
func TestWorkflowsPinActionsByCommit(t *testing.T) {
	var files []string
	for _, pattern := range []string{".github/workflows/*.yml", "examples/github/*.yml"} {
		m, err := filepath.Glob(filepath.Join("../..", pattern))
		assert.NilError(t, err)
		files = append(files, m...)
	}
	assert.Assert(t, len(files) >= 4, "workflows found: %v", files)
	var checked int
	for _, f := range files {
		data, err := os.ReadFile(f)
		assert.NilError(t, err)
		for _, m := range remoteUses.FindAllStringSubmatch(string(data), -1) {
			action, ref, rest := m[1], m[2], m[3]
			if strings.HasPrefix(action, "psflow/psflow") {
				continue
			}
			checked++
			assert.Check(t, fullSHA.MatchString(ref), "%s: %s@%s is not pinned by full commit SHA", f, action, ref)
			assert.Check(t, strings.Contains(rest, "# v"), "%s: %s@%s names no version in a comment", f, action, ref)
		}
	}
	assert.Assert(t, checked > 0)
}

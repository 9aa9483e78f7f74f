package main

import (
	"strings"
	"testing"

	"gotest.tools/v3/assert"
)

// TestFilesDoNotUseEachOtherInLoops keeps the layering of the public packages
// and the emulator: a file uses only files below it.
func TestFilesDoNotUseEachOtherInLoops(t *testing.T) {
	t.Parallel()
	for _, dir := range []string{"pkg/step", "pkg/runctx", "pkg/sqlload", "pkg/planetscale", "pkg/gh",
		"pkg/emulator", "pkg/emulator/internal/ddl", "pkg/emulator/internal/deploy"} {
		t.Run(dir, func(t *testing.T) {
			t.Parallel()
			g, err := Load("../../" + dir)
			assert.NilError(t, err)
			var loops []string
			for _, l := range g.Loops() {
				loops = append(loops, strings.Join(l, " "))
			}
			assert.Equal(t, len(loops), 0, "files that use each other: %v", loops)
		})
	}
}

// TestFloorsPutUsersAbove checks the layering on a package whose shape is
// known: run.go uses every other file of pkg/step, and step.go is below it.
func TestFloorsPutUsersAbove(t *testing.T) {
	t.Parallel()
	g, err := Load("../../pkg/step")
	assert.NilError(t, err)
	floors := g.Floors()
	for _, f := range g.Files {
		if f != "run.go" && f != "doc.go" {
			assert.Assert(t, floors[f] < floors["run.go"], "%s is on floor %d, run.go on %d", f, floors[f], floors["run.go"])
		}
		for to := range g.Uses[f] {
			assert.Assert(t, floors[to] < floors[f], "%s uses %s on floor %d, not below its own %d", f, to, floors[to], floors[f])
		}
	}
}

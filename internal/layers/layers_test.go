package main

import (
	"strings"
	"testing"

	"gotest.tools/v3/assert"
)

// TestFilesDoNotUseEachOtherInLoops keeps every package of the module layered:
// a file uses only files below it.
func TestFilesDoNotUseEachOtherInLoops(t *testing.T) {
	t.Parallel()
	gs, err := LoadAll("../..", "./...")
	assert.NilError(t, err)
	assert.Assert(t, len(gs) > 40, "read %d packages", len(gs))
	for _, g := range gs {
		for _, l := range g.Loops() {
			t.Errorf("%s: files that use each other: %s", g.Path, strings.Join(l, " "))
		}
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

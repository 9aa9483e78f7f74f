package emulator_test

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"gopkg.in/yaml.v3"
	"gotest.tools/v3/assert"
)

// referenceDir is where CI keeps the reference material beside the
// checkout: the official spec and its subset.
func referenceDir(t *testing.T) string {
	t.Helper()
	return filepath.Join(moduleRoot(t), "..", "shared", "reference")
}

// TestSubsetSpecIsTheOfficialOne checks, where ../shared/reference/ is beside the checkout, that
// the subset is the reference's byte for byte and each path the official one's; else it says so.
func TestSubsetSpecIsTheOfficialOne(t *testing.T) {
	t.Parallel()
	dir := referenceDir(t)
	ours, err := os.ReadFile(subsetSpecPath)
	assert.NilError(t, err)
	theirs, err := os.ReadFile(filepath.Join(dir, subsetSpecFile))
	if os.IsNotExist(err) {
		t.Skipf("no reference beside the checkout (%s): the repository's subset is checked against nothing else", dir)
	}
	assert.NilError(t, err)
	assert.Assert(t, bytes.Equal(ours, theirs), "%s differs from %s: copy the reference again", subsetSpecPath, filepath.Join(dir, subsetSpecFile))

	full, err := os.ReadFile(filepath.Join(dir, "planetscale-openapi.yaml"))
	assert.NilError(t, err)
	var sub, official struct {
		Paths map[string]any `yaml:"paths"`
	}
	assert.NilError(t, yaml.Unmarshal(ours, &sub))
	assert.NilError(t, yaml.Unmarshal(full, &official))
	for path, item := range sub.Paths {
		assert.Check(t, reflect.DeepEqual(item, official.Paths[path]), "path %s differs from the official description's", path)
	}
}

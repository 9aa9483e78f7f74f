package dist

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// fromRE is a Dockerfile's FROM line: its image and stage name.
var fromRE = regexp.MustCompile(`(?m)^FROM (?:--platform=\S+ )?(\S+)(?: AS (\S+))?$`)

// pinnedRE is an image reference pinned by the digest of its index.
var pinnedRE = regexp.MustCompile(`^[a-z0-9./-]+:[A-Za-z0-9._-]+@sha256:[0-9a-f]{64}$`)

// TestDockerfileBasesArePinned holds every base image of the Dockerfile to
// a tag and a digest; scratch and the file's own stages need neither.
func TestDockerfileBasesArePinned(t *testing.T) {
	data, err := os.ReadFile("../../Dockerfile")
	assert.NilError(t, err)
	stages := map[string]bool{"scratch": true, "${BINARY}": true}
	froms := fromRE.FindAllStringSubmatch(string(data), -1)
	assert.Assert(t, len(froms) > 0)
	for _, m := range froms {
		if !stages[m[1]] {
			assert.Check(t, is.Regexp(pinnedRE, m[1]), "FROM %s is not pinned by tag and digest", m[1])
		}
		stages[m[2]] = true
	}
	for _, want := range []string{"source", "release", "shell"} {
		assert.Check(t, stages[want], "the Dockerfile has no stage %s", want)
	}
}

// TestGoReleaserBuildsTheImages holds .goreleaser.yaml's images to the Dockerfile: psflow's
// linux binaries, where the release stage copies them from, and stages that exist.
func TestGoReleaserBuildsTheImages(t *testing.T) {
	data, err := os.ReadFile("../../.goreleaser.yaml")
	assert.NilError(t, err)
	var cfg struct {
		Dockers []struct {
			ID, Dockerfile string
			IDs            []string
			Platforms      []string
			BuildArgs      map[string]string `yaml:"build_args"`
			Flags          []string
		} `yaml:"dockers_v2"`
	}
	assert.NilError(t, yaml.Unmarshal(data, &cfg))
	dockerfile, err := os.ReadFile("../../Dockerfile")
	assert.NilError(t, err)
	// GoReleaser lays each binary out as <os>/<arch>/<name> in the context.
	assert.Check(t, is.Contains(string(dockerfile), "COPY $TARGETPLATFORM/"+Binaries[0].Name+" /psflow\n"))
	var linux []string
	for _, target := range Targets {
		if target.OS == "linux" {
			linux = append(linux, target.OS+"/"+target.Arch)
		}
	}
	var ids []string
	for _, d := range cfg.Dockers {
		ids = append(ids, d.ID)
		assert.Check(t, is.Equal(d.Dockerfile, "Dockerfile"), d.ID)
		assert.Check(t, is.DeepEqual(d.IDs, []string{Binaries[0].Name}), d.ID)
		assert.Check(t, is.DeepEqual(d.Platforms, linux), d.ID)
		assert.Check(t, is.DeepEqual(d.BuildArgs, map[string]string{"BINARY": "release"}), d.ID)
		for _, f := range d.Flags {
			if target, ok := strings.CutPrefix(f, "--target="); ok {
				assert.Check(t, is.Contains(string(dockerfile), " AS "+target+"\n"), d.ID)
			}
		}
	}
	slices.Sort(ids)
	assert.Check(t, is.DeepEqual(ids, []string{"psflow", "psflow-shell"}))
}

package dist

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// TestGoReleaserBuildsAsBuildDoes holds .goreleaser.yaml to this package's flags, environment,
// targets and asset names, which prepared the sha256 the release is checked against.
func TestGoReleaserBuildsAsBuildDoes(t *testing.T) {
	data, err := os.ReadFile("../../.goreleaser.yaml")
	assert.NilError(t, err)
	var cfg struct {
		Builds []struct {
			ID, Main, Binary          string
			Env, Flags, Ldflags, Goos []string
			Goarch, Goamd64, Goarm64  []string
			ModTimestamp              string `yaml:"mod_timestamp"`
		}
		Archives []struct {
			Formats      []string
			NameTemplate string `yaml:"name_template"`
		}
	}
	assert.NilError(t, yaml.Unmarshal(data, &cfg))
	assert.Equal(t, len(cfg.Builds), len(Binaries))
	for i, b := range cfg.Builds {
		assert.Check(t, is.Equal(b.Binary, Binaries[i].Name))
		assert.Check(t, is.Equal(b.Main, Binaries[i].Pkg))
		assert.Check(t, is.DeepEqual(b.Flags, Flags))
		assert.Check(t, is.DeepEqual(b.Ldflags, []string{LDFlags("{{ .Tag }}")}))
		assert.Check(t, is.DeepEqual(b.Goamd64, []string{"v1"}))
		assert.Check(t, is.DeepEqual(b.Goarm64, []string{"v8.0"}))
		assert.Check(t, is.Equal(b.ModTimestamp, "{{ .CommitTimestamp }}"))
		var targets []Target
		for _, os := range b.Goos {
			for _, arch := range b.Goarch {
				targets = append(targets, Target{os, arch})
			}
		}
		assert.Check(t, is.DeepEqual(targets, Targets))
		for _, kv := range Env(Target{"linux", "amd64"}) {
			if !strings.HasPrefix(kv, "GOOS=") && !strings.HasPrefix(kv, "GOARCH=") && !strings.HasPrefix(kv, "GOAMD64=") {
				assert.Check(t, slices.Contains(b.Env, kv), "build %s: env lacks %s", b.ID, kv)
			}
		}
	}
	assert.Equal(t, len(cfg.Archives), 1)
	assert.Check(t, is.DeepEqual(cfg.Archives[0].Formats, []string{"binary"}))
	// GoReleaser appends .exe for Windows, as Binary.File does.
	assert.Check(t, is.Equal(cfg.Archives[0].NameTemplate, "{{ .Binary }}_{{ .Os }}_{{ .Arch }}"))
}

func TestAssetNames(t *testing.T) {
	names := AssetNames()
	assert.Check(t, is.Len(names, 12))
	assert.Check(t, slices.Contains(names, "psflow_linux_amd64"))
	assert.Check(t, slices.Contains(names, "psflow_windows_arm64.exe"))
	assert.Check(t, slices.Contains(names, "psflow-emulator_darwin_arm64"))
}

func TestParseTarget(t *testing.T) {
	for _, s := range []string{"linux_amd64", "linux/amd64"} {
		got, err := ParseTarget(s)
		assert.NilError(t, err)
		assert.Check(t, is.Equal(got, Target{"linux", "amd64"}))
	}
	_, err := ParseTarget("linux")
	assert.Check(t, is.ErrorContains(err, `target "linux": want os_arch`))
}

func testManifest() Manifest {
	m := Manifest{Version: "v1.2.3", Go: "go1.26.8", Source: "sha256:x", Files: map[string]string{}}
	for i, name := range AssetNames() {
		m.Files[name] = strings.Repeat(string("0123456789abcdef"[i]), 64)
	}
	return m
}

// TestManifestFormat checks the layout the shim's line-wise reading relies
// on: every value on the line of its key.
func TestManifestFormat(t *testing.T) {
	path := filepath.Join(t.TempDir(), "entrypoint", "release.json")
	m := testManifest()
	assert.NilError(t, m.Write(path))
	data, err := os.ReadFile(path)
	assert.NilError(t, err)
	assert.Check(t, is.Contains(string(data), "\n  \"version\": \"v1.2.3\",\n"))
	// release.yml reads the Go version with sed from this line.
	assert.Check(t, is.Contains(string(data), "\n  \"go\": \"go1.26.8\",\n"))
	assert.Check(t, is.Contains(string(data), "\n    \"psflow_windows_amd64.exe\": \""+m.Files["psflow_windows_amd64.exe"]+"\",\n"))
	got, err := ReadManifest(path)
	assert.NilError(t, err)
	assert.Check(t, is.DeepEqual(got, m))
}

func TestManifestValidate(t *testing.T) {
	for _, tc := range []struct {
		edit func(*Manifest)
		err  string
	}{
		{func(m *Manifest) { m.Version = "1.2.3" }, `version "1.2.3" is not vMAJOR.MINOR.PATCH`},
		{func(m *Manifest) { m.Version = "v1.2" }, `version "v1.2" is not`},
		{func(m *Manifest) { m.Source = "" }, "go and source must be set"},
		{func(m *Manifest) { delete(m.Files, "psflow_darwin_arm64") }, `files: psflow_darwin_arm64 has no sha256 (got "")`},
		{func(m *Manifest) { m.Files["psflow_linux_amd64"] = "ABC" }, "files: psflow_linux_amd64 has no sha256"},
		{func(m *Manifest) { m.Files["psflow_plan9_386"] = m.Files["psflow_linux_amd64"] }, "files: psflow_plan9_386 is no release binary"},
	} {
		m := testManifest()
		tc.edit(&m)
		assert.Check(t, is.ErrorContains(m.Validate(), tc.err))
	}
	assert.Check(t, testManifest().Validate())
}

func TestSourceDigestLeavesOutTheManifest(t *testing.T) {
	ctx := context.Background()
	repo := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...)
		cmd.Dir = repo
		out, err := cmd.CombinedOutput()
		assert.NilError(t, err, "%s", out)
	}
	write := func(name, content string) {
		t.Helper()
		assert.NilError(t, os.MkdirAll(filepath.Join(repo, filepath.Dir(name)), 0o755))
		assert.NilError(t, os.WriteFile(filepath.Join(repo, name), []byte(content), 0o644))
	}
	git("init", "-q")
	write("main.go", "package main\n")
	git("add", ".")
	git("commit", "-q", "-m", "source")
	before, err := SourceDigest(ctx, repo, "HEAD")
	assert.NilError(t, err)
	assert.Check(t, is.Regexp(`^sha256:[0-9a-f]{64}$`, before))

	write(ManifestPath, "{}\n")
	git("add", ".")
	git("commit", "-q", "-m", "release")
	release, err := SourceDigest(ctx, repo, "HEAD")
	assert.NilError(t, err)
	assert.Check(t, is.Equal(release, before), "the manifest is no source")

	write("main.go", "package main // changed\n")
	git("commit", "-q", "-am", "change")
	after, err := SourceDigest(ctx, repo, "HEAD")
	assert.NilError(t, err)
	assert.Check(t, after != before)
}

// TestDockerfileBuildsAsBuildDoes holds the image's build to a release's, so
// that the release workflow finds the released binaries in the image.
func TestDockerfileBuildsAsBuildDoes(t *testing.T) {
	data, err := os.ReadFile("../../Dockerfile")
	assert.NilError(t, err)
	df := strings.ReplaceAll(string(data), "\\\n    ", "")
	assert.Check(t, is.Contains(df, "go build "+strings.Join(Flags, " ")+` -ldflags "`+LDFlags("${VERSION}")+`" -o /out/psflow `+Binaries[0].Pkg+"\n"))
	for _, kv := range append(Env(Target{"linux", "amd64"}), Env(Target{"linux", "arm64"})...) {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "GOOS":
			v = "$TARGETOS"
		case "GOARCH":
			v = "$TARGETARCH"
		}
		assert.Check(t, is.Contains(df, " "+k+"="+v+" "), "the Dockerfile's go build lacks %s=%s", k, v)
	}
}

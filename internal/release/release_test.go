package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/psflow/psflow/internal/dist"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// fakeBuild stands in for dist.Build: the "binary" names what it was built
// as, so each has its own sha256 and a rebuild gives the same bytes.
func fakeBuild(_ context.Context, _ string, b dist.Binary, t dist.Target, version, out string) error {
	return os.WriteFile(out, []byte(b.Name+" "+t.String()+" "+version+"\n"), 0o755)
}

func repo(t *testing.T) (string, func(args ...string) string) {
	t.Helper()
	dir := t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		out, err := git(context.Background(), dir, append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...)
		assert.NilError(t, err)
		return out
	}
	git("init", "-q")
	assert.NilError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n"), 0o644))
	git("add", ".")
	git("commit", "-q", "-m", "source")
	return dir, git
}

func TestPrepareCommitsTheRecordThenDropsIt(t *testing.T) {
	ctx := context.Background()
	dir, git := repo(t)
	t.Setenv("GIT_AUTHOR_NAME", "t")
	t.Setenv("GIT_AUTHOR_EMAIL", "t@example.com")
	t.Setenv("GIT_COMMITTER_NAME", "t")
	t.Setenv("GIT_COMMITTER_EMAIL", "t@example.com")
	var out bytes.Buffer
	assert.NilError(t, prepare(ctx, dir, "v1.2.3", fakeBuild, &out))
	assert.Check(t, is.Contains(out.String(), "git push origin HEAD v1.2.3"))

	assert.Check(t, is.Equal(git("log", "--format=%s", "-3"), "Build from source again after v1.2.3\nRelease v1.2.3\nsource"))
	assert.Check(t, is.Equal(git("rev-parse", "v1.2.3^{commit}"), git("rev-parse", "HEAD~1")))
	assert.Check(t, is.Equal(git("ls-tree", "--name-only", "-r", "HEAD"), "main.go"))

	var m dist.Manifest
	assert.NilError(t, json.Unmarshal([]byte(git("show", "v1.2.3:"+dist.ManifestPath)), &m))
	assert.Check(t, m.Validate())
	assert.Check(t, is.Equal(m.Version, "v1.2.3"))
	goVersion, err := dist.GoVersion(ctx)
	assert.NilError(t, err)
	assert.Check(t, is.Equal(m.Go, goVersion))
	want := sha([]byte("psflow windows_arm64 v1.2.3\n"))
	assert.Check(t, is.Equal(m.Files["psflow_windows_arm64.exe"], want))

	// The development commit has no record, and needs none.
	out.Reset()
	assert.NilError(t, check(ctx, dir, "", &out))
	assert.Check(t, is.Contains(out.String(), "none (a development tree"))
	assert.Check(t, is.ErrorContains(check(ctx, dir, "v1.2.3", &out), "no such file"))

	// The release commit's record describes its tree.
	git("checkout", "-q", "v1.2.3")
	out.Reset()
	assert.NilError(t, check(ctx, dir, "v1.2.3", &out))
	assert.Check(t, is.Contains(out.String(), "v1.2.3, 12 binaries, built by "+goVersion+" from this tree"))
	assert.Check(t, is.ErrorContains(check(ctx, dir, "v1.2.4", &out), "records v1.2.3, not the tag v1.2.4"))

	// A record carried into a later commit describes another tree.
	assert.NilError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main // changed\n"), 0o644))
	git("commit", "-q", "-am", "change")
	assert.Check(t, is.ErrorContains(check(ctx, dir, "", &out), "describes another tree"))

	assert.Check(t, is.ErrorContains(prepare(ctx, dir, "v1.2.3", fakeBuild, &out), "tag v1.2.3 exists already"))
}

func TestPrepareRefuses(t *testing.T) {
	ctx := context.Background()
	dir, _ := repo(t)
	var out bytes.Buffer
	assert.Check(t, is.ErrorContains(prepare(ctx, dir, "1.2.3", fakeBuild, &out), `version "1.2.3" is not vMAJOR.MINOR.PATCH`))
	assert.NilError(t, os.WriteFile(filepath.Join(dir, "new.go"), []byte("package main\n"), 0o644))
	assert.Check(t, is.ErrorContains(prepare(ctx, dir, "v1.2.3", fakeBuild, &out), "the work tree has changes"))
}

func TestVerify(t *testing.T) {
	ctx := context.Background()
	root, _ := repo(t)
	m, err := record(ctx, root, "v1.2.3", fakeBuild, &bytes.Buffer{})
	assert.NilError(t, err)
	m.Go, err = dist.GoVersion(ctx)
	assert.NilError(t, err)
	assert.NilError(t, m.Write(filepath.Join(root, dist.ManifestPath)))

	// GoReleaser's dist: every binary under its build directory, listed in
	// artifacts.json with paths relative to the root.
	var artifacts []map[string]any
	for _, b := range dist.Binaries {
		for _, tg := range dist.Targets {
			path := filepath.Join("dist", b.Name+"_"+tg.String(), b.Name)
			assert.NilError(t, os.MkdirAll(filepath.Join(root, filepath.Dir(path)), 0o755))
			assert.NilError(t, fakeBuild(ctx, root, b, tg, "v1.2.3", filepath.Join(root, path)))
			exe := b.Name
			if tg.OS == "windows" {
				exe += ".exe"
			}
			artifacts = append(artifacts, map[string]any{"path": path, "goos": tg.OS, "goarch": tg.Arch, "type": "Binary", "extra": map[string]string{"Binary": exe}})
		}
	}
	artifacts = append(artifacts, map[string]any{"path": "dist/metadata.json", "type": "Metadata"})
	data, err := json.Marshal(artifacts)
	assert.NilError(t, err)
	assert.NilError(t, os.WriteFile(filepath.Join(root, "dist", "artifacts.json"), data, 0o644))

	var out bytes.Buffer
	assert.NilError(t, verify(ctx, root, filepath.Join(root, "dist"), false, "", &out))
	assert.Check(t, is.Equal(strings.Count(out.String(), "ok  "), 12))

	// -out: what gets published, under the asset names, with checksums that
	// GoReleaser's must match.
	assets := filepath.Join(t.TempDir(), "assets")
	assert.NilError(t, verify(ctx, root, filepath.Join(root, "dist"), false, assets, &out))
	got, err := os.ReadFile(filepath.Join(assets, "psflow_windows_arm64.exe"))
	assert.NilError(t, err)
	assert.Check(t, is.Equal(string(got), "psflow windows_arm64 v1.2.3\n"))
	sums, err := os.ReadFile(filepath.Join(assets, "checksums.txt"))
	assert.NilError(t, err)
	assert.Check(t, is.Contains(string(sums), m.Files["psflow-emulator_linux_arm64"]+"  psflow-emulator_linux_arm64\n"))
	assert.Check(t, is.Equal(strings.Count(string(sums), "\n"), 12))
	theirs := strings.Replace(string(sums), "  psflow_linux_amd64\n", "  psflow_linux_arm64\n", 1)
	theirs = strings.Replace(theirs, m.Files["psflow_linux_arm64"]+"  psflow_linux_arm64\n", m.Files["psflow_linux_arm64"]+"  psflow_linux_amd64\n", 1)
	assert.NilError(t, os.WriteFile(filepath.Join(root, "dist", "checksums.txt"), []byte(theirs), 0o644))
	err = verify(ctx, root, filepath.Join(root, "dist"), false, assets, &out)
	assert.Check(t, is.ErrorContains(err, "checksums.txt does not list the checked binaries' sha256"))
	assert.NilError(t, os.WriteFile(filepath.Join(root, "dist", "checksums.txt"), sums, 0o644))
	assert.NilError(t, verify(ctx, root, filepath.Join(root, "dist"), false, assets, &out))

	evil := filepath.Join(root, "dist", "psflow_darwin_arm64", "psflow")
	assert.NilError(t, os.WriteFile(evil, []byte("evil"), 0o755))
	err = verify(ctx, root, filepath.Join(root, "dist"), false, "", &out)
	assert.Check(t, is.ErrorContains(err, "are not the recorded ones:\n  psflow_darwin_arm64: built "+sha([]byte("evil"))+", want "+m.Files["psflow_darwin_arm64"]))

	m.Go = "go1.0"
	assert.NilError(t, m.Write(filepath.Join(root, dist.ManifestPath)))
	assert.Check(t, is.ErrorContains(verify(ctx, root, filepath.Join(root, "dist"), false, "", &out), "but v1.2.3 was built by go1.0: build with that one"))
}

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

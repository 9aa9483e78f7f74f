package entrypoint_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// TestEveryRefOfTheReleaseRuns pins the action every way a workflow can: each release ref runs
// the verified binary; the commit after the release, without a manifest, builds from source.
func TestEveryRefOfTheReleaseRuns(t *testing.T) {
	t.Parallel()
	bin := psflowBinary(t)
	srv := serveRelease(t, bin)
	repo := t.TempDir()
	writeCheckout(t, repo, manifest(sum(bin)))
	git(t, repo, "init", "-q")
	git(t, repo, "add", ".")
	git(t, repo, "commit", "-q", "-m", "Release "+version)
	git(t, repo, "tag", "-a", version, "-m", "psflow "+version)
	git(t, repo, "tag", "v1.2")
	git(t, repo, "tag", "v1")
	sha := git(t, repo, "rev-parse", "HEAD")
	git(t, repo, "rm", "-q", "entrypoint/release.json")
	git(t, repo, "commit", "-q", "-m", "Build from source again after "+version)
	e := env(tools(t, true, ""), srv.URL, t.TempDir())

	for _, ref := range []string{"v1", "v1.2", version, sha} {
		res := run(t, archive(t, repo, ref), e, "version")
		res.Assert(t, icmd.Expected{Out: "psflow " + version + "\n"})
	}
	assert.Check(t, is.Equal(srv.requests.Load(), int32(1)), "every ref shares the cached binary")

	dev := archive(t, repo, "HEAD")
	res := run(t, dev, e, "version")
	res.Assert(t, icmd.Expected{Out: "psflow built from source dev [version]\n"})
	assert.Check(t, is.Contains(res.Stderr(), "psflow: this checkout of psflow ("+dev+") records no release binary for linux/amd64 in entrypoint/release.json; building psflow from source"))
}

func TestPlatforms(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ uname, asset, cached string }{
		{"Linux aarch64", "psflow_linux_arm64", "linux-arm64/psflow"},
		{"Darwin arm64", "psflow_darwin_arm64", "darwin-arm64/psflow"},
		{"Darwin x86_64", "psflow_darwin_amd64", "darwin-amd64/psflow"},
		{"MINGW64_NT-10.0-20348 x86_64", "psflow_windows_amd64.exe", "windows-amd64/psflow.exe"},
	} {
		t.Run(tc.uname, func(t *testing.T) {
			t.Parallel()
			bin := psflowBinary(t)
			srv := serve(t, map[string][]byte{"/" + version + "/" + tc.asset: bin})
			root, cache := checkout(t, manifest(sum(bin))), t.TempDir()
			res := run(t, root, env(tools(t, false, tc.uname), srv.URL, cache), "version")
			res.Assert(t, icmd.Expected{Out: "psflow " + version + "\n"})
			assert.Check(t, exists(filepath.Join(cache, "psflow", version, tc.cached)))
		})
	}
}

func TestPlatformWithoutReleaseBinaryBuildsFromSource(t *testing.T) {
	t.Parallel()
	root := checkout(t, manifest(sum(psflowBinary(t))))
	srv := serve(t, nil)
	res := run(t, root, env(tools(t, true, "Linux riscv64"), srv.URL, t.TempDir()), "version")
	res.Assert(t, icmd.Expected{Out: "psflow built from source " + version + " [version]\n"})
	assert.Check(t, is.Contains(res.Stderr(), "records no release binary for linux/riscv64 in entrypoint/release.json; building psflow from source in "+root+" with go"))
	assert.Check(t, is.Equal(srv.requests.Load(), int32(0)))

	// The build is kept in the checkout for the job's later steps.
	res = run(t, root, env(tools(t, false, "Linux riscv64"), srv.URL, t.TempDir()), "version")
	res.Assert(t, icmd.Expected{Out: "psflow built from source " + version + " [version]\n"})
}

func TestCacheWithoutRunnerToolCache(t *testing.T) {
	t.Parallel()
	bin := psflowBinary(t)
	srv := serveRelease(t, bin)
	root, xdg := checkout(t, manifest(sum(bin))), t.TempDir()
	res := run(t, root, append(env(tools(t, false, ""), srv.URL, ""), "XDG_CACHE_HOME="+xdg), "version")
	res.Assert(t, icmd.Expected{Out: "psflow " + version + "\n"})
	assert.Check(t, exists(filepath.Join(xdg, "psflow", version, "linux-amd64", "psflow")))
}

func TestPsflowOnPath(t *testing.T) {
	t.Parallel()
	path := tools(t, false, "")
	assert.NilError(t, os.WriteFile(filepath.Join(path, "psflow"), []byte("#!/bin/sh\necho psflow on PATH\n"), 0o755))
	bin := psflowBinary(t)
	srv := serveRelease(t, bin)
	root := checkout(t, manifest(sum(bin)))
	e := env(path, srv.URL, t.TempDir())

	run(t, root, e, "version").Assert(t, icmd.Expected{Out: "psflow on PATH\n"})
	run(t, root, append(e, "PSFLOW_NO_PATH=1"), "version").Assert(t, icmd.Expected{Out: "psflow " + version + "\n"})
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
	out, err := cmd.CombinedOutput()
	assert.NilError(t, err, "git %v: %s", args, out)
	return strings.TrimSpace(string(out))
}

// archive extracts ref of repo into a new directory, as a runner downloads
// an action: the tree at that ref, without .git.
func archive(t *testing.T, repo, ref string) string {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("sh", "-c", `git -C "$1" archive "$2" | tar -x -C "$3"`, "sh", repo, ref, dir)
	out, err := cmd.CombinedOutput()
	assert.NilError(t, err, "%s", out)
	return dir
}

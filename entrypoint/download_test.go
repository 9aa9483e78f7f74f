package entrypoint_test

import (
	"os"
	"path/filepath"
	"testing"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

func TestVerifiedDownloadRunsAndIsCached(t *testing.T) {
	t.Parallel()
	bin := psflowBinary(t)
	srv := serveRelease(t, bin)
	root, cache := checkout(t, manifest(sum(bin))), t.TempDir()
	e := env(tools(t, false, ""), srv.URL, cache)

	res := run(t, root, e, "version")
	res.Assert(t, icmd.Expected{Out: "psflow " + version + "\n"})
	assert.Check(t, is.Contains(res.Stderr(), "downloaded and verified psflow "+version+" (psflow_linux_amd64)"))
	assert.Check(t, is.Equal(srv.requests.Load(), int32(1)))
	cached := filepath.Join(cache, "psflow", version, "linux-amd64", "psflow")
	got, err := os.ReadFile(cached)
	assert.NilError(t, err)
	assert.Check(t, is.Equal(sum(got), sum(bin)))

	// A later step, or job on the runner, finds it in the tool cache: no
	// request, and the server may as well be gone.
	srv.Close()
	res = run(t, root, e, "version")
	res.Assert(t, icmd.Expected{Out: "psflow " + version + "\n"})
	assert.Check(t, is.Equal(res.Stderr(), ""))
	assert.Check(t, is.Equal(srv.requests.Load(), int32(1)))

	res = run(t, root, e, "--path")
	res.Assert(t, icmd.Expected{Out: cached + "\n"})
}

func TestTamperedDownloadIsRefused(t *testing.T) {
	t.Parallel()
	marker := filepath.Join(t.TempDir(), "ran")
	evil := []byte("#!/bin/sh\ntouch '" + marker + "'\necho psflow " + version + "\n")
	srv := serveRelease(t, evil)
	bin := psflowBinary(t)
	root, cache := checkout(t, manifest(sum(bin))), t.TempDir()

	res := run(t, root, env(tools(t, true, ""), srv.URL, cache), "version")
	res.Assert(t, icmd.Expected{ExitCode: 1})
	assert.Check(t, is.Equal(res.Stdout(), ""))
	assert.Check(t, is.Contains(res.Stderr(), "psflow: refusing "+srv.URL+"/"+version+"/psflow_linux_amd64: its sha256 is "+sum(evil)+
		", but "+filepath.Join(root, "entrypoint", "release.json")+" records "+sum(bin)+" for psflow_linux_amd64 ("+version+"). Nothing was run."))
	assert.Check(t, is.Contains(res.Stderr(), "SECURITY.md"))
	assert.Check(t, !exists(marker), "the tampered binary ran")
	assertNoBinaries(t, cache)
}

func TestBinaryNotTheOneInTheTreeIsRefused(t *testing.T) {
	t.Parallel()
	bin := psflowBinary(t)
	srv := serveRelease(t, bin)
	other := sum([]byte("another build"))
	root, cache := checkout(t, manifest(other)), t.TempDir()

	res := run(t, root, env(tools(t, true, ""), srv.URL, cache), "version")
	res.Assert(t, icmd.Expected{ExitCode: 1})
	assert.Check(t, is.Equal(res.Stdout(), ""))
	assert.Check(t, is.Contains(res.Stderr(), "its sha256 is "+sum(bin)+", but "))
	assert.Check(t, is.Contains(res.Stderr(), " records "+other+" for psflow_linux_amd64"))
	assert.Check(t, is.Contains(res.Stderr(), "Nothing was run."))
	assertNoBinaries(t, cache)
}

// TestVerifiesWithoutOpenssl checks the coreutils way of hashing, as on a
// machine without openssl.
func TestVerifiesWithoutOpenssl(t *testing.T) {
	t.Parallel()
	bin := psflowBinary(t)
	srv := serveRelease(t, bin)
	path := tools(t, false, "")
	assert.NilError(t, os.Remove(filepath.Join(path, "openssl")))
	e := env(path, srv.URL, t.TempDir())
	run(t, checkout(t, manifest(sum(bin))), e, "version").Assert(t, icmd.Expected{Out: "psflow " + version + "\n"})
	run(t, checkout(t, manifest(sum(bin))), e, "version").Assert(t, icmd.Expected{Out: "psflow " + version + "\n"})
	assert.Check(t, is.Equal(srv.requests.Load(), int32(1)), "the second checkout verified the cached binary")

	res := run(t, checkout(t, manifest(sum([]byte("other")))), e, "version")
	res.Assert(t, icmd.Expected{ExitCode: 1, Err: "its sha256 is " + sum(bin) + ", but "})
}

func TestTamperedCacheIsReplaced(t *testing.T) {
	t.Parallel()
	bin := psflowBinary(t)
	srv := serveRelease(t, bin)
	root, cache := checkout(t, manifest(sum(bin))), t.TempDir()
	cached := filepath.Join(cache, "psflow", version, "linux-amd64", "psflow")
	assert.NilError(t, os.MkdirAll(filepath.Dir(cached), 0o755))
	assert.NilError(t, os.WriteFile(cached, []byte("#!/bin/sh\necho psflow evil\n"), 0o755))

	res := run(t, root, env(tools(t, false, ""), srv.URL, cache), "version")
	res.Assert(t, icmd.Expected{Out: "psflow " + version + "\n"})
	assert.Check(t, is.Contains(res.Stderr(), "the cached "+cached+" is not the psflow "+version+" that "))
	assert.Check(t, is.Equal(srv.requests.Load(), int32(1)))
}

func TestDownloadRetries(t *testing.T) {
	t.Parallel()
	bin := psflowBinary(t)
	srv := serveRelease(t, bin)
	srv.fail.Store(1)
	srv.hang.Store(1)
	root := checkout(t, manifest(sum(bin)))
	e := append(env(tools(t, false, ""), srv.URL, t.TempDir()), "PSFLOW_DOWNLOAD_TIMEOUT=1")

	res := run(t, root, e, "version")
	res.Assert(t, icmd.Expected{Out: "psflow " + version + "\n"})
	assert.Check(t, is.Equal(srv.requests.Load(), int32(3)), "a hung request, a 503, then the binary")
}

func TestNoNetworkAndNoGo(t *testing.T) {
	t.Parallel()
	bin := psflowBinary(t)
	srv := serveRelease(t, bin)
	srv.Close() // nothing listens there any more
	root := checkout(t, manifest(sum(bin)))

	res := run(t, root, env(tools(t, false, ""), srv.URL, t.TempDir()), "version")
	res.Assert(t, icmd.Expected{ExitCode: 1})
	assert.Check(t, is.Equal(res.Stdout(), ""))
	assert.Check(t, is.Contains(res.Stderr(), "psflow: could not download psflow "+version+": "+srv.URL+"/"+version+"/psflow_linux_amd64: curl: "))
	assert.Check(t, is.Contains(res.Stderr(), "(HTTP 000, attempt 3 of 3); and Go is not installed to build psflow from source: install Go"))
}

func TestFailedDownloadBuildsFromSourceWithGo(t *testing.T) {
	t.Parallel()
	srv := serve(t, nil) // a release whose assets are missing
	root := checkout(t, manifest(sum(psflowBinary(t))))

	res := run(t, root, env(tools(t, true, ""), srv.URL, t.TempDir()), "version")
	res.Assert(t, icmd.Expected{Out: "psflow built from source " + version + " [version]\n"})
	assert.Check(t, is.Contains(res.Stderr(), "psflow: could not download psflow "+version+": "+srv.URL+"/"+version+"/psflow_linux_amd64: not found (404); building psflow from source in "+root))
	assert.Check(t, is.Equal(srv.requests.Load(), int32(1)), "a 404 is not retried")
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// assertNoBinaries checks that nothing but empty directories is left in the
// tool cache.
func assertNoBinaries(t *testing.T, cache string) {
	t.Helper()
	assert.NilError(t, filepath.Walk(cache, func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			t.Errorf("left in the tool cache: %s", path)
		}
		return err
	}))
}

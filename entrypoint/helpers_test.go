// Package entrypoint_test runs psflow.sh, the shim every action.yml calls,
// as a runner would: from a checkout of the action, against a local release
// server, with only the tools a test chooses on PATH.
package entrypoint_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/psflow/psflow/internal/dist"
	"gotest.tools/v3/assert"
	"gotest.tools/v3/icmd"
)

// version is the release the tests' checkouts record.
const version = "v1.2.3"

var (
	buildOnce sync.Once
	binary    []byte
	buildErr  error
)

// psflowBinary is psflow built from this repository with version stamped,
// as the release server serves it for every platform.
func psflowBinary(t *testing.T) []byte {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "psflow-shim-")
		if err != nil {
			buildErr = err
			return
		}
		defer os.RemoveAll(dir)
		cmd := exec.Command("go", "build", "-ldflags", "-X main.version="+version, "-o", filepath.Join(dir, "psflow"), "./cmd/psflow")
		cmd.Dir = ".."
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("build psflow: %w: %s", err, out)
			return
		}
		binary, buildErr = os.ReadFile(filepath.Join(dir, "psflow"))
	})
	assert.NilError(t, buildErr)
	return binary
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// manifest records sha for every release binary of version.
func manifest(sha string) *dist.Manifest {
	m := &dist.Manifest{Version: version, Go: "go1.26.8", Source: "sha256:test", Files: map[string]string{}}
	for _, name := range dist.AssetNames() {
		m.Files[name] = sha
	}
	return m
}

// checkout lays out the action as a runner downloads it: the shim, the manifest (none when m
// is nil) and a tiny module standing in for psflow's source.
func checkout(t *testing.T, m *dist.Manifest) string {
	t.Helper()
	root := t.TempDir()
	writeCheckout(t, root, m)
	return root
}

func writeCheckout(t *testing.T, root string, m *dist.Manifest) {
	t.Helper()
	shim, err := os.ReadFile("psflow.sh")
	assert.NilError(t, err)
	files := map[string]string{
		"entrypoint/psflow.sh": string(shim),
		"go.mod":               "module example.com/psflow\n\ngo 1.22\n",
		"cmd/psflow/main.go": "package main\n\nimport (\"fmt\"; \"os\")\n\nvar version = \"dev\"\n\n" +
			"func main() { fmt.Println(\"psflow built from source\", version, os.Args[1:]) }\n",
	}
	for name, content := range files {
		path := filepath.Join(root, name)
		assert.NilError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		assert.NilError(t, os.WriteFile(path, []byte(content), 0o755))
	}
	if m != nil {
		assert.NilError(t, m.Write(filepath.Join(root, dist.ManifestPath)))
	}
}

// server is a release server: files by path, e.g. /v1.2.3/psflow_linux_amd64.
type server struct {
	*httptest.Server
	requests atomic.Int32 // requests answered so far
	fail     atomic.Int32 // answer this many more requests with 503
	hang     atomic.Int32 // leave this many more requests unanswered for 10 s
}

func serve(t *testing.T, files map[string][]byte) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		if s.hang.Add(-1) >= 0 {
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
			return
		}
		if s.fail.Add(-1) >= 0 {
			http.Error(w, "try again", http.StatusServiceUnavailable)
			return
		}
		b, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(b)
	}))
	t.Cleanup(s.Close)
	return s
}

// serveRelease serves b as every psflow binary of version.
func serveRelease(t *testing.T, b []byte) *server {
	t.Helper()
	files := map[string][]byte{}
	for _, name := range dist.AssetNames() {
		files["/"+version+"/"+name] = b
	}
	return serve(t, files)
}

// tools is a PATH holding only what the shim may use (bash, coreutils, openssl, curl, and Go
// when withGo); a non-empty uname replaces uname with a script printing it.
func tools(t *testing.T, withGo bool, uname string) string {
	t.Helper()
	dir := t.TempDir()
	names := []string{"bash", "env", "uname", "openssl", "sha256sum", "curl", "mkdir", "mv", "chmod", "rm", "tr", "sleep"}
	if withGo {
		names = append(names, "go")
	}
	for _, name := range names {
		path, err := exec.LookPath(name)
		assert.NilError(t, err)
		assert.NilError(t, os.Symlink(path, filepath.Join(dir, name)))
	}
	if uname != "" {
		assert.NilError(t, os.Remove(filepath.Join(dir, "uname")))
		assert.NilError(t, os.WriteFile(filepath.Join(dir, "uname"), []byte("#!/bin/sh\necho '"+uname+"'\n"), 0o755))
	}
	return dir
}

// env is the environment of a shim run: PATH, the release server, a tool
// cache, and what Go needs to build from its usual caches.
func env(path, releaseURL, toolCache string) []string {
	e := []string{"PATH=" + path, "PSFLOW_RELEASE_URL=" + releaseURL, "RUNNER_TOOL_CACHE=" + toolCache, "PSFLOW_DOWNLOAD_TIMEOUT=5"}
	for _, kv := range os.Environ() {
		for _, keep := range []string{"HOME=", "GOCACHE=", "GOMODCACHE=", "GOPATH=", "GOFLAGS=", "GOPROXY=", "GOTOOLCHAIN=", "TMPDIR="} {
			if strings.HasPrefix(kv, keep) {
				e = append(e, kv)
			}
		}
	}
	return e
}

// run runs the checkout's shim with args as an action.yml does.
func run(t *testing.T, root string, env []string, args ...string) *icmd.Result {
	t.Helper()
	cmd := icmd.Command(filepath.Join(root, "entrypoint", "psflow.sh"), args...)
	cmd.Env = env
	res := icmd.RunCmd(cmd)
	t.Logf("psflow.sh %v: exit %d\nstdout:\n%s\nstderr:\n%s", args, res.ExitCode, res.Stdout(), res.Stderr())
	return res
}

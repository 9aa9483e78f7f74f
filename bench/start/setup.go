package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/psflow/psflow/internal/dist"
)

// bench holds two checkouts of the action, one with a release record and
// one without, and a release server for the record's binary.
type bench struct {
	dir          string // everything lives under it
	release, dev string // checkouts
	version      string
	asset        string
	size         int64
	server       *httptest.Server
}

func setup() (*bench, error) {
	dir, err := os.MkdirTemp("", "psflow-start-")
	if err != nil {
		return nil, err
	}
	b := &bench{dir: dir, release: filepath.Join(dir, "release"), dev: filepath.Join(dir, "dev"), version: "v0.0.0", asset: psflow().File(dist.Host())}
	if err := b.prepare(context.Background()); err != nil {
		b.close()
		return nil, err
	}
	return b, nil
}

func psflow() dist.Binary { return dist.Binaries[0] }

func (b *bench) prepare(ctx context.Context) error {
	for _, c := range []string{b.release, b.dev} {
		if err := copyTracked(c); err != nil {
			return err
		}
	}
	fmt.Fprintln(os.Stderr, "building the release binary")
	bin := filepath.Join(b.dir, "releases", b.version, b.asset)
	if err := dist.Build(ctx, ".", psflow(), dist.Host(), b.version, bin); err != nil {
		return err
	}
	info, err := os.Stat(bin)
	if err != nil {
		return err
	}
	b.size = info.Size()
	sum, err := dist.FileSHA256(bin)
	if err != nil {
		return err
	}
	m := dist.Manifest{Version: b.version, Go: "bench", Source: "bench", Files: map[string]string{b.asset: sum}}
	if err := m.Write(filepath.Join(b.release, dist.ManifestPath)); err != nil {
		return err
	}
	b.server = httptest.NewServer(http.FileServer(http.Dir(filepath.Join(b.dir, "releases"))))
	return nil
}

func (b *bench) close() {
	if b.server != nil {
		b.server.Close()
	}
	os.RemoveAll(b.dir)
}

// cache is a tool cache (and, for the source case, a build cache) by name.
func (b *bench) cache(name string) string { return filepath.Join(b.dir, "cache", name) }

// start times one run of checkout's shim until `psflow version` is done,
// with cache as its tool cache and GOCACHE under it.
func (b *bench) start(kind, checkout, cache string) (time.Duration, error) {
	os.RemoveAll(filepath.Join(checkout, ".bin"))
	cmd := exec.Command(filepath.Join(checkout, "entrypoint", "psflow.sh"), "version")
	cmd.Env = append(os.Environ(), "PSFLOW_NO_PATH=1", "RUNNER_TOOL_CACHE="+cache,
		"PSFLOW_RELEASE_URL="+b.server.URL, "GOCACHE="+filepath.Join(cache, "go-build"))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	out, err := cmd.Output()
	d := time.Since(start)
	if err != nil || !strings.HasPrefix(string(out), "psflow ") {
		return 0, fmt.Errorf("%s start: %v: %s%s", kind, err, out, stderr.String())
	}
	return d, nil
}

// copyTracked copies the repository's tracked files, as they are in the
// work tree, to dir: a checkout of the action as a runner downloads it.
func copyTracked(dir string) error {
	out, err := exec.Command("git", "ls-files", "-z").Output()
	if err != nil {
		return fmt.Errorf("git ls-files: %w", err)
	}
	for _, name := range strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00") {
		if name == dist.ManifestPath {
			continue
		}
		if err := copyFile(name, filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, info.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/psflow/psflow/internal/dist"
)

// artifact is a binary GoReleaser built, as dist/artifacts.json lists it.
type artifact struct {
	Path   string // relative to the directory GoReleaser ran in
	Goos   string
	Goarch string
	Type   string
	Extra  struct{ Binary string }
}

// verify checks GoReleaser's binaries in distDir against entrypoint/release.json, or with
// rebuild against dist.Build's, then copies them into out if set (docs/design/release.md).
func verify(ctx context.Context, root, distDir string, rebuild bool, out string, stdout io.Writer) error {
	built, err := readArtifacts(root, distDir)
	if err != nil {
		return err
	}
	want, err := expected(ctx, root, distDir, built, rebuild)
	if err != nil {
		return err
	}
	var bad []string
	sums := map[string]string{}
	for name, path := range built {
		got, err := dist.FileSHA256(path)
		if err != nil {
			return err
		}
		if got != want[name] {
			bad = append(bad, fmt.Sprintf("%s: built %s, want %s", name, got, want[name]))
			continue
		}
		fmt.Fprintf(stdout, "ok  %s  %s\n", got, name)
		sums[name] = got
	}
	for name := range want {
		if _, ok := built[name]; !ok {
			bad = append(bad, name+": not built")
		}
	}
	if len(bad) > 0 {
		slices.Sort(bad)
		return fmt.Errorf("the binaries in %s are not the recorded ones:\n  %s", distDir, strings.Join(bad, "\n  "))
	}
	if out == "" {
		return nil
	}
	return writeAssets(distDir, out, built, sums)
}

// expected returns the sha256 each binary must have, by asset name.
func expected(ctx context.Context, root, distDir string, built map[string]string, rebuild bool) (map[string]string, error) {
	if !rebuild {
		m, err := dist.ReadManifest(filepath.Join(root, dist.ManifestPath))
		if err != nil {
			return nil, err
		}
		goVersion, err := dist.GoVersion(ctx)
		if err != nil {
			return nil, err
		}
		if goVersion != m.Go {
			return nil, fmt.Errorf("go on PATH is %s, but %s was built by %s: build with that one", goVersion, m.Version, m.Go)
		}
		return m.Files, nil
	}
	var meta struct{ Tag string }
	if err := readJSON(filepath.Join(distDir, "metadata.json"), &meta); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "psflow-rebuild-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	want := map[string]string{}
	for _, b := range dist.Binaries {
		for _, t := range dist.Targets {
			if _, ok := built[b.File(t)]; !ok {
				continue
			}
			out := filepath.Join(tmp, b.File(t))
			if err := dist.Build(ctx, root, b, t, meta.Tag, out); err != nil {
				return nil, err
			}
			if want[b.File(t)], err = dist.FileSHA256(out); err != nil {
				return nil, err
			}
		}
	}
	return want, nil
}

// readArtifacts returns the path of each binary GoReleaser built, by the
// name of its release asset.
func readArtifacts(root, distDir string) (map[string]string, error) {
	var list []artifact
	if err := readJSON(filepath.Join(distDir, "artifacts.json"), &list); err != nil {
		return nil, err
	}
	built := map[string]string{}
	for _, a := range list {
		if a.Type != "Binary" && a.Type != "Uploadable Binary" {
			continue
		}
		// Extra.Binary is the executable's name: psflow, or psflow.exe.
		name := dist.Binary{Name: strings.TrimSuffix(a.Extra.Binary, ".exe")}.File(dist.Target{OS: a.Goos, Arch: a.Goarch})
		if !slices.Contains(dist.AssetNames(), name) {
			return nil, fmt.Errorf("%s: %s is no release binary", filepath.Join(distDir, "artifacts.json"), name)
		}
		path := a.Path
		if !filepath.IsAbs(path) {
			path = filepath.Join(root, path)
		}
		built[name] = path
	}
	if len(built) == 0 {
		return nil, fmt.Errorf("%s lists no binaries", filepath.Join(distDir, "artifacts.json"))
	}
	return built, nil
}

func readJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

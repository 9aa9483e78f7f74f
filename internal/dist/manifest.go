package dist

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
)

// ManifestPath is where a release commit records its binaries, relative to
// the repository root. The shim reads it from its own checkout.
const ManifestPath = "entrypoint/release.json"

// Manifest is the content of entrypoint/release.json. The shim parses it
// line by line, so it is written only by Write: one "key": "value" a line.
type Manifest struct {
	Version string            `json:"version"` // the release, e.g. v1.2.3
	Go      string            `json:"go"`      // the go command that built it, e.g. go1.26.8
	Source  string            `json:"source"`  // SourceDigest of the tree it was built from
	Files   map[string]string `json:"files"`   // release asset name → hex sha256
}

var (
	versionRE = regexp.MustCompile(`^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$`)
	sha256RE  = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// ValidVersion reports whether v is a release version: vMAJOR.MINOR.PATCH.
func ValidVersion(v string) bool { return versionRE.MatchString(v) }

// ReadManifest reads a manifest and checks it has a version and every binary's sha256 for
// every target; a missing file's error satisfies errors.Is(err, fs.ErrNotExist).
func ReadManifest(path string) (Manifest, error) {
	var m Manifest
	data, err := os.ReadFile(path)
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return m, fmt.Errorf("%s: %w", path, err)
	}
	if err := m.Validate(); err != nil {
		return m, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// Validate checks that m names a release version and holds a sha256 for
// every binary on every target, and nothing else.
func (m Manifest) Validate() error {
	if !ValidVersion(m.Version) {
		return fmt.Errorf("version %q is not vMAJOR.MINOR.PATCH", m.Version)
	}
	if m.Go == "" || m.Source == "" {
		return errors.New("go and source must be set")
	}
	want := AssetNames()
	for _, name := range want {
		if !sha256RE.MatchString(m.Files[name]) {
			return fmt.Errorf("files: %s has no sha256 (got %q)", name, m.Files[name])
		}
	}
	for name := range m.Files {
		if !slices.Contains(want, name) {
			return fmt.Errorf("files: %s is no release binary", name)
		}
	}
	return nil
}

// Write writes m to path as JSON with sorted keys, one a line.
func (m Manifest) Write(path string) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

// AssetNames are the release asset names of every binary on every target.
func AssetNames() []string {
	var names []string
	for _, b := range Binaries {
		for _, t := range Targets {
			names = append(names, b.File(t))
		}
	}
	return names
}

// FileSHA256 is the hex sha256 of the file at path.
func FileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

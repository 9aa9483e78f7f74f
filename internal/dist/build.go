package dist

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// Flags are the go build flags of every release binary, so that builds are reproducible;
// .goreleaser.yaml repeats them (docs/design/release.md).
var Flags = []string{"-trimpath", "-buildvcs=false"}

// LDFlags are the linker flags of a release binary of the given version,
// e.g. v1.2.3: no symbol table or DWARF, and the version psflow reports.
func LDFlags(version string) string {
	return "-s -w -X main.version=" + version
}

// Env is what a release build sets in the go command's environment for the
// target; everything else comes from the caller's environment.
func Env(t Target) []string {
	env := []string{"CGO_ENABLED=0", "GOOS=" + t.OS, "GOARCH=" + t.Arch, "GOFLAGS="}
	switch t.Arch {
	case "amd64":
		env = append(env, "GOAMD64=v1")
	case "arm64":
		env = append(env, "GOARM64=v8.0")
	}
	return env
}

// Build compiles b for t as a release does, from the module at root, and
// writes the executable to out.
func Build(ctx context.Context, root string, b Binary, t Target, version, out string) error {
	args := append([]string{"build"}, Flags...)
	args = append(args, "-ldflags", LDFlags(version), "-o", out, b.Pkg)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), Env(t)...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("build %s for %s: %w: %s", b.Name, t, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// GoVersion is the version of the go command on PATH, e.g. go1.26.8: the one
// Build uses.
func GoVersion(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOVERSION").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOVERSION: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

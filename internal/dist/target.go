// Package dist describes psflow's release: the platforms it ships binaries
// for, the one reproducible way they are built, and entrypoint/release.json,
// the file in the action's own tree that records each binary's sha256 so the
// entrypoint shim can verify a download against the ref the user pinned.
package dist

import (
	"fmt"
	"runtime"
	"strings"
)

// Target is a platform a release ships binaries for.
type Target struct {
	OS, Arch string // GOOS and GOARCH
}

// Targets are the platforms of every release, in the order they are built.
var Targets = []Target{
	{"linux", "amd64"}, {"linux", "arm64"},
	{"darwin", "amd64"}, {"darwin", "arm64"},
	{"windows", "amd64"}, {"windows", "arm64"},
}

// Binary is a command a release ships for every target.
type Binary struct {
	Name string // the executable's name, e.g. psflow
	Pkg  string // its main package, relative to the module root
}

// Binaries are the commands of every release: psflow, which the actions run,
// and psflow-emulator, which users run beside act.
var Binaries = []Binary{
	{"psflow", "./cmd/psflow"},
	{"psflow-emulator", "./cmd/psflow-emulator"},
}

// Host is the target of the running program.
func Host() Target { return Target{runtime.GOOS, runtime.GOARCH} }

// String is the target as os_arch, e.g. linux_amd64.
func (t Target) String() string { return t.OS + "_" + t.Arch }

// ParseTarget reads a target written as os_arch or os/arch.
func ParseTarget(s string) (Target, error) {
	os, arch, ok := strings.Cut(strings.ReplaceAll(s, "/", "_"), "_")
	if !ok || os == "" || arch == "" {
		return Target{}, fmt.Errorf("target %q: want os_arch, e.g. linux_amd64", s)
	}
	return Target{os, arch}, nil
}

// File is the binary's release asset name for the target (psflow_linux_amd64,
// psflow_windows_arm64.exe), which the shim downloads and looks its sha256 up under.
func (b Binary) File(t Target) string {
	name := b.Name + "_" + t.String()
	if t.OS == "windows" {
		name += ".exe"
	}
	return name
}

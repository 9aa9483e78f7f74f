// Package testbin builds the real psflow binary once per test process, so
// end-to-end tests run exactly what users run.
package testbin

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

var (
	once sync.Once
	path string
	err  error
	out  []byte
)

// Psflow returns the path of a freshly built psflow binary.
func Psflow(t testing.TB) string {
	t.Helper()
	once.Do(func() {
		dir, derr := os.MkdirTemp("", "psflow-bin-")
		if derr != nil {
			err = derr
			return
		}
		path = filepath.Join(dir, "psflow")
		_, file, _, _ := runtime.Caller(0)
		root := filepath.Join(filepath.Dir(file), "..", "..")
		cmd := exec.Command("go", "build", "-o", path, "./cmd/psflow")
		cmd.Dir = root
		out, err = cmd.CombinedOutput()
	})
	if err != nil {
		t.Fatalf("build psflow: %v\n%s", err, out)
	}
	return path
}

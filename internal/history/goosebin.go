package history

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// GooseModule is the goose command tests run: a migration tool no one
// here wrote, installed from the Go module proxy.
const GooseModule = "github.com/pressly/goose/v3/cmd/goose@v3.30.1"

// gooseTags leave out every driver but MySQL's, which shortens the build
// (goose's README documents the tags).
const gooseTags = "no_clickhouse,no_libsql,no_mssql,no_postgres,no_sqlite3,no_vertica,no_ydb"

var (
	gooseOnce sync.Once
	goosePath string
	gooseErr  error
	gooseOut  []byte
)

// Goose returns the path of the goose command, built once per test
// process into a temporary directory with `go install`.
func Goose(t testing.TB) string {
	t.Helper()
	gooseOnce.Do(func() {
		dir, err := os.MkdirTemp("", "psflow-goose-")
		if err != nil {
			gooseErr = err
			return
		}
		cmd := exec.Command("go", "install", "-tags", gooseTags, GooseModule)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOBIN="+dir, "GOFLAGS=-mod=mod")
		gooseOut, gooseErr = cmd.CombinedOutput()
		goosePath = filepath.Join(dir, "goose")
	})
	if gooseErr != nil {
		t.Fatalf("build goose: %v\n%s", gooseErr, gooseOut)
	}
	return goosePath
}

package benchkit

import (
	"os"
	"testing"

	"github.com/psflow/psflow/pkg/emulator/emulatortest"
)

// TestDSN is the external MySQL server a benchmark's test runs against,
// from PSFLOW_TEST_MYSQL_DSN; empty means the embedded one. With CI set
// the variable must be given, and the test fails when it is not.
func TestDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(emulatortest.MySQLDSNEnv)
	if dsn == "" && os.Getenv("CI") != "" {
		t.Fatalf("CI is set but %s is not: the benchmarks' tests must run against MySQL/MariaDB too", emulatortest.MySQLDSNEnv)
	}
	return dsn
}

package benchkit

import (
	"os"
	"testing"

	"github.com/psflow/psflow/pkg/emulator/emulatortest"
)

// TestDSN is the external MySQL server of PSFLOW_TEST_MYSQL_DSN, empty for the embedded
// one; with CI set a test fails without it.
func TestDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(emulatortest.MySQLDSNEnv)
	if dsn == "" && os.Getenv("CI") != "" {
		t.Fatalf("CI is set but %s is not: the benchmarks' tests must run against MySQL/MariaDB too", emulatortest.MySQLDSNEnv)
	}
	return dsn
}

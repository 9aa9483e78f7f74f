package emulator_test

import (
	"testing"

	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
)

// TestLintCharsets: latin1 and ascii pass the linter, as the docs list both (planetscale.com/docs/
// reference/mysql-compatibility; …/schema-lint-errors/invalid-charset); utf16 does not.
func TestLintCharsets(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, opts...)
		c := client(t, e)
		createTestBranch(t, c, e, ps.CreateDatabaseBranchRequest{Database: "app", Name: "dev"})
		execAll(t, adminDB(t, e, "app", "dev"),
			"CREATE TABLE l1 (id INT NOT NULL PRIMARY KEY, s VARCHAR(9)) DEFAULT CHARSET=latin1",
			"CREATE TABLE a1 (id INT NOT NULL PRIMARY KEY, s VARCHAR(9)) DEFAULT CHARSET=ascii",
			"CREATE TABLE mixed (id INT NOT NULL PRIMARY KEY, a VARCHAR(9) CHARACTER SET ascii, l VARCHAR(9) CHARACTER SET latin1, "+
				"w VARCHAR(9) CHARACTER SET utf16) DEFAULT CHARSET=utf8mb4",
		)
		lint, err := c.DatabaseBranches.LintSchema(ctx(t), &ps.LintSchemaRequest{Organization: e.Org(), Database: "app", Branch: "dev"})
		assert.NilError(t, err)
		assert.Equal(t, len(lint), 1, "%+v", lint)
		assert.Equal(t, lint[0].LintError, "INVALID_CHARSET")
		assert.Equal(t, lint[0].Table, "mixed")
		status, body := call(t, e, "GET", dbPath(e, "app")+"/branches/dev/schema/lint", nil)
		assert.Equal(t, status, 200)
		assert.Assert(t, containsAll(string(body), `"column_name":"w"`), string(body))
	})
}

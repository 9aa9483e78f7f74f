package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

func TestSchemaAndLint(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, opts...)
		c := client(t, e)
		org := e.Org()
		createTestBranch(t, c, e, ps.CreateDatabaseBranchRequest{Database: "app", Name: "dev"})
		execAll(t, adminDB(t, e, "app", "dev"),
			"CREATE TABLE good (id BIGINT NOT NULL, PRIMARY KEY (id))",
			"CREATE TABLE logs (line TEXT)",
		)

		files, err := c.DatabaseBranches.Schema(ctx(t), &ps.BranchSchemaRequest{Organization: org, Database: "app", Branch: "dev"})
		assert.NilError(t, err)
		assert.Equal(t, len(files), 2)
		assert.Equal(t, files[0].Name, "good")
		assert.Assert(t, strings.HasPrefix(files[0].Raw, "CREATE TABLE `good`"), files[0].Raw)
		assert.Assert(t, is.Contains(files[0].HTML, "CREATE TABLE"))

		lint, err := c.DatabaseBranches.LintSchema(ctx(t), &ps.LintSchemaRequest{Organization: org, Database: "app", Branch: "dev"})
		assert.NilError(t, err)
		assert.Equal(t, len(lint), 1)
		assert.Equal(t, lint[0].LintError, "NO_UNIQUE_KEY")
		assert.Equal(t, lint[0].Table, "logs")
		assert.Equal(t, lint[0].Keyspace, "app")
		assert.Equal(t, lint[0].SubjectType, "table")
		status, body := call(t, e, http.MethodGet, dbPath(e, "app")+"/branches/dev/schema/lint", nil)
		assert.Equal(t, status, http.StatusOK)
		assert.Assert(t, containsAll(string(body), `"type":"list"`, `"current_page":1`, `"docs_url":"https://`))

		diff, err := c.DatabaseBranches.Diff(ctx(t), &ps.DiffBranchRequest{Organization: org, Database: "app", Branch: "dev"})
		assert.NilError(t, err)
		assert.Equal(t, len(diff), 2)
		assert.Assert(t, is.Contains(diff[0].Raw, "+CREATE TABLE `good`"))
		main, err := c.DatabaseBranches.Diff(ctx(t), &ps.DiffBranchRequest{Organization: org, Database: "app", Branch: "main"})
		assert.NilError(t, err)
		assert.Equal(t, len(main), 0)
	})
}

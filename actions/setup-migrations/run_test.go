package setupmigrations_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/internal/branchconn"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// mainTables lists the tables of main.
func mainTables(t *testing.T, em *emulator.Emulator) map[string]string {
	t.Helper()
	name, ok := em.BranchDatabase("app", "main")
	assert.Assert(t, ok)
	tables, err := em.Storage().Schema(context.Background(), name)
	assert.NilError(t, err)
	out := map[string]string{}
	for _, tb := range tables {
		out[tb.Name] = tb.SQL
	}
	return out
}

// assertNothingLeft checks that no branch but main and no password is
// left, and that every deploy request is closed.
func assertNothingLeft(t *testing.T, em *emulator.Emulator) {
	t.Helper()
	for _, d := range em.State().Databases {
		if d.Name != "app" {
			continue
		}
		assert.Check(t, is.Len(d.Branches, 1), "branches left: %+v", d.Branches)
		for _, b := range d.Branches {
			assert.Check(t, is.Len(b.Passwords, 0), "passwords left on %s", b.Name)
		}
		for _, dr := range d.DeployRequests {
			assert.Check(t, is.Equal(dr.State, "closed"), "deploy request #%d", dr.Number)
		}
	}
}

// deployRequests lists the deploy requests of app.
func deployRequests(em *emulator.Emulator) []emulator.DeployRequestState {
	for _, d := range em.State().Databases {
		if d.Name == "app" {
			return d.DeployRequests
		}
	}
	return nil
}

func start(t *testing.T, opts ...emulatortest.Option) *emulator.Emulator {
	return emulatortest.Start(t, append([]emulatortest.Option{emulatortest.WithDatabases("app", "probe")}, opts...)...)
}

func TestSetupMigrations(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		// A revert window that lasts: the run ends it.
		em := start(t, append(opts, emulatortest.WithTimings(emulator.Timings{RevertWindow: time.Hour}))...)
		env := actiontest.Env(em, "app")

		r := actiontest.Exec(t, env, "setup-migrations")
		// The table reached production through a deploy request, and the
		// run cleaned up, whatever the settings.
		_, ok := mainTables(t, em)["schema_migrations"]
		assert.Check(t, ok, "main lacks the migration table")
		drs := deployRequests(em)
		assert.Assert(t, is.Len(drs, 1))
		assert.Check(t, is.Equal(drs[0].Branch, "psflow-setup-migrations"))
		assert.Check(t, is.Equal(drs[0].DeploymentState, "complete"))
		assert.Check(t, is.Contains(drs[0].History, "complete_pending_revert"))
		assert.Check(t, is.Contains(r.Stderr(), "skipped the revert window of deploy request #1: now complete"))
		assert.Check(t, is.Contains(strings.Join(drs[0].Statements, "\n"), "CREATE TABLE `schema_migrations`"))
		assertNothingLeft(t, em)
		r.Assert(t, icmd.Success)
		assert.Check(t, is.DeepEqual(r.Outputs, map[string]string{"table": "schema_migrations", "changed_settings": "true", "deploy_request": "1"}))
		m := actiontest.MigrationSettings(t, em, "app")
		assert.Check(t, m.AutomaticMigrations)
		assert.Check(t, is.Equal(m.MigrationTableName, "schema_migrations"))
		assert.Check(t, is.Equal(m.MigrationFramework, "other"))

		// A second run finds everything in place and changes nothing.
		em.ResetRequests()
		again := actiontest.Exec(t, env, "setup-migrations")
		again.Assert(t, icmd.Success)
		assert.Check(t, is.DeepEqual(again.Outputs, map[string]string{"table": "schema_migrations", "changed_settings": "false", "deploy_request": ""}))
		assert.Check(t, is.Contains(again.Stderr(), "production branch main of acme/app has the migration table schema_migrations"))
		assert.Check(t, is.Contains(again.Stderr(), "automatic migrations of acme/app already copy table schema_migrations"))
		for _, req := range em.Requests() {
			assert.Check(t, is.Equal(req.Method, "GET"), "the second run sent %s %s", req.Method, req.Path)
		}
		assert.Check(t, is.Len(deployRequests(em), 1))
	})
}

// A production branch without safe migrations takes the table directly:
// PlanetScale opens no deploy request into it.
func TestSetupMigrationsWithoutSafeMigrations(t *testing.T) {
	em := start(t, emulatortest.WithSafeMigrations())
	r := actiontest.Exec(t, actiontest.Env(em, "app"), "setup-migrations", "--table", "migrations")
	assert.Check(t, is.Equal(mainTables(t, em)["migrations"], tableSQL(t, em, "migrations")))
	assert.Check(t, is.Len(deployRequests(em), 0))
	assert.Check(t, is.Contains(r.Stderr(), "production branch main of acme/app has safe migrations off, so it takes DDL directly"))
	assertNothingLeft(t, em)
	r.Assert(t, icmd.Success)
	assert.Check(t, is.DeepEqual(r.Outputs, map[string]string{"table": "migrations", "changed_settings": "true", "deploy_request": ""}))
}

// tableSQL is the CREATE statement the storage server prints for the
// migration table, made in a scratch branch.
func tableSQL(t *testing.T, em *emulator.Emulator, table string) string {
	t.Helper()
	name, ok := em.BranchDatabase("probe", "main")
	assert.Assert(t, ok)
	assert.NilError(t, em.Storage().Exec(context.Background(), name, branchconn.MigrationTableDDL(table)))
	tables, err := em.Storage().Schema(context.Background(), name)
	assert.NilError(t, err)
	for _, tb := range tables {
		if tb.Name == table {
			return tb.SQL
		}
	}
	t.Fatalf("table %s not created", table)
	return ""
}

// A setup branch left by an interrupted run is carried on with.
func TestSetupMigrationsCarriesOnWithALeftoverBranch(t *testing.T) {
	em := start(t)
	env := actiontest.Env(em, "app")
	actiontest.Exec(t, env, "create-branch", "--branch", "psflow-setup-migrations", "--create-password=false").Assert(t, icmd.Success)
	r := actiontest.Exec(t, env, "setup-migrations")
	assert.Check(t, is.Contains(r.Stderr(), "branch psflow-setup-migrations of acme/app exists already, left by an earlier run; carrying on with it"))
	_, ok := mainTables(t, em)["schema_migrations"]
	assert.Check(t, ok, "main lacks the migration table")
	assertNothingLeft(t, em)
	r.Assert(t, icmd.Success)
}

// A branch of the setup branch's name with other changes is not deployed,
// and kept.
func TestSetupMigrationsDeploysNothingElse(t *testing.T) {
	em := start(t)
	env := actiontest.Env(em, "app")
	actiontest.Exec(t, env, "create-branch", "--branch", "psflow-setup-migrations", "--create-password=false").Assert(t, icmd.Success)
	name, ok := em.BranchDatabase("app", "psflow-setup-migrations")
	assert.Assert(t, ok)
	assert.NilError(t, em.Storage().Exec(context.Background(), name, "CREATE TABLE extra (id INT NOT NULL PRIMARY KEY)"))

	r := actiontest.Exec(t, env, "setup-migrations")
	r.Assert(t, icmd.Expected{ExitCode: 2})
	assert.Check(t, is.Contains(r.Stderr(), "psflow setup-migrations: deploy request #1 from psflow-setup-migrations of acme/app would do more than create the migration table schema_migrations (CREATE TABLE `extra`"))
	assert.Check(t, is.Contains(r.Stderr(), "branch psflow-setup-migrations, left by an earlier run, is kept"))
	tables := mainTables(t, em)
	_, hasMigrations := tables["schema_migrations"]
	_, hasExtra := tables["extra"]
	assert.Check(t, !hasMigrations && !hasExtra, "main changed: %v", tables)
	drs := deployRequests(em)
	assert.Assert(t, is.Len(drs, 1))
	assert.Check(t, is.Equal(drs[0].State, "closed"))
	assert.Check(t, is.Equal(drs[0].DeployCalls, 0))
	_, ok = em.BranchDatabase("app", "psflow-setup-migrations")
	assert.Check(t, ok, "the branch was deleted")
}

// When the deploy fails, the request is closed and the branch and its
// password are deleted.
func TestSetupMigrationsCleansUpAfterAFailedDeploy(t *testing.T) {
	em := start(t)
	_, err := em.AddFault(emulator.Fault{Method: "POST", Path: "/v1/organizations/*/databases/*/deploy-requests/*/deploy", Status: 422})
	assert.NilError(t, err)
	r := actiontest.Exec(t, actiontest.Env(em, "app"), "setup-migrations")
	r.Assert(t, icmd.Expected{ExitCode: 1})
	assert.Check(t, is.Contains(r.Stderr(), "deploy deploy request #1 of acme/app: invalid (HTTP 422"))
	assert.Check(t, is.Contains(r.Stderr(), "branch psflow-setup-migrations and its deploy request were removed, run setup-migrations again once that is fixed\n"))
	assert.Check(t, is.Equal(strings.Count(r.Stderr(), "psflow setup-migrations: "), 1))
	_, ok := mainTables(t, em)["schema_migrations"]
	assert.Check(t, !ok, "main has the migration table")
	assertNothingLeft(t, em)
	assert.Check(t, is.Len(r.Outputs, 1)) // table
}

// A table name that would need quoting is refused before anything is
// created or changed.
func TestSetupMigrationsRefusesAQuotedTableName(t *testing.T) {
	t.Parallel()
	em := start(t)
	env := actiontest.Env(em, "app")
	for _, name := range []string{"\xff\xfe", "schema migrations", "pr-1%0A::warning::x", strings.Repeat("m", 65)} {
		em.ResetRequests()
		r := actiontest.Exec(t, env, "setup-migrations", "--table", name)
		r.Assert(t, icmd.Expected{ExitCode: 2, Err: "psflow setup-migrations: input table: "})
		for _, req := range em.Requests() {
			assert.Check(t, is.Equal(req.Method, "GET"), "%q: the run sent %s %s", name, req.Method, req.Path)
		}
	}
	assertNothingLeft(t, em)
	assert.Check(t, is.Len(deployRequests(em), 0))
}

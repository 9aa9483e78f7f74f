package emulator_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/poll"
)

func TestBranches(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, opts...)
		c := client(t, e)
		org := e.Org()
		execAll(t, adminDB(t, e, "app", "main"),
			"CREATE TABLE users (id BIGINT NOT NULL AUTO_INCREMENT, email VARCHAR(255) NOT NULL, PRIMARY KEY (id), UNIQUE KEY email (email))",
			"INSERT INTO users (email) VALUES ('a@example.com')",
		)

		t.Run("create copies the parent schema, not its rows", func(t *testing.T) {
			b, err := c.DatabaseBranches.Create(ctx(t), &ps.CreateDatabaseBranchRequest{Organization: org, Database: "app", Name: "feature-1"})
			assert.NilError(t, err)
			assert.Equal(t, b.Name, "feature-1")
			assert.Equal(t, b.ParentBranch, "main")
			assert.Assert(t, !b.Production)
			assert.Equal(t, b.HtmlURL, "https://app.planetscale.com/"+org+"/app/feature-1")
			assert.DeepEqual(t, tableNames(t, c, e, "app", "feature-1"), []string{"users"})
			var n int
			assert.NilError(t, adminDB(t, e, "app", "feature-1").QueryRowContext(ctx(t), "SELECT COUNT(*) FROM users").Scan(&n))
			assert.Equal(t, n, 0)
		})

		t.Run("get and list", func(t *testing.T) {
			b, err := c.DatabaseBranches.Get(ctx(t), &ps.GetDatabaseBranchRequest{Organization: org, Database: "app", Branch: "feature-1"})
			assert.NilError(t, err)
			assert.Assert(t, b.Ready)
			list, err := c.DatabaseBranches.List(ctx(t), &ps.ListDatabaseBranchesRequest{Organization: org, Database: "app"})
			assert.NilError(t, err)
			names := []string{}
			for _, b := range list {
				names = append(names, b.Name)
			}
			assert.DeepEqual(t, names, []string{"main", "feature-1"})
		})

		t.Run("invalid names", func(t *testing.T) {
			for _, name := range []string{"", "Feature", "feat_1", "-lead", "with space", "a/b", strings.Repeat("a", 64)} {
				status, body := call(t, e, http.MethodPost, dbPath(e, "app")+"/branches", map[string]string{"name": name})
				assert.Equal(t, status, http.StatusUnprocessableEntity, "name %q: %s", name, body)
				assert.Equal(t, apiErr(t, body).Code, "unprocessable")
			}
		})

		t.Run("duplicate", func(t *testing.T) {
			status, body := call(t, e, http.MethodPost, dbPath(e, "app")+"/branches", map[string]string{"name": "feature-1"})
			assert.Equal(t, status, http.StatusUnprocessableEntity)
			assert.Assert(t, is.Contains(apiErr(t, body).Message, "already exists"))
			_, err := c.DatabaseBranches.Create(ctx(t), &ps.CreateDatabaseBranchRequest{Organization: org, Database: "app", Name: "main"})
			assert.ErrorContains(t, err, "already exists")
		})

		t.Run("unknown parent, database and branch", func(t *testing.T) {
			_, err := c.DatabaseBranches.Create(ctx(t), &ps.CreateDatabaseBranchRequest{Organization: org, Database: "app", Name: "x", ParentBranch: "nope"})
			assert.Equal(t, sdkCode(err), ps.ErrNotFound)
			_, err = c.DatabaseBranches.Create(ctx(t), &ps.CreateDatabaseBranchRequest{Organization: org, Database: "nope", Name: "x"})
			assert.Equal(t, sdkCode(err), ps.ErrNotFound)
			err = c.DatabaseBranches.Delete(ctx(t), &ps.DeleteDatabaseBranchRequest{Organization: org, Database: "app", Branch: "nope"})
			assert.Equal(t, sdkCode(err), ps.ErrNotFound)
		})

		t.Run("production branch cannot be deleted", func(t *testing.T) {
			status, body := call(t, e, http.MethodDelete, dbPath(e, "app")+"/branches/main", nil)
			assert.Equal(t, status, http.StatusUnprocessableEntity)
			assert.Assert(t, is.Contains(apiErr(t, body).Message, "production"))
			_, ok := e.BranchDatabase("app", "main")
			assert.Assert(t, ok)
		})

		t.Run("delete drops the storage database", func(t *testing.T) {
			storageDB, ok := e.BranchDatabase("app", "feature-1")
			assert.Assert(t, ok)
			assert.NilError(t, c.DatabaseBranches.Delete(ctx(t), &ps.DeleteDatabaseBranchRequest{Organization: org, Database: "app", Branch: "feature-1"}))
			_, err := c.DatabaseBranches.Get(ctx(t), &ps.GetDatabaseBranchRequest{Organization: org, Database: "app", Branch: "feature-1"})
			assert.Equal(t, sdkCode(err), ps.ErrNotFound)
			assert.Assert(t, !storageHas(t, e, storageDB))
		})

		t.Run("delete descendants", func(t *testing.T) {
			createTestBranch(t, c, e, ps.CreateDatabaseBranchRequest{Database: "app", Name: "parent"})
			createTestBranch(t, c, e, ps.CreateDatabaseBranchRequest{Database: "app", Name: "child", ParentBranch: "parent"})
			createTestBranch(t, c, e, ps.CreateDatabaseBranchRequest{Database: "app", Name: "grandchild", ParentBranch: "child"})
			err := c.DatabaseBranches.Delete(ctx(t), &ps.DeleteDatabaseBranchRequest{Organization: org, Database: "app", Branch: "parent"})
			assert.Assert(t, is.ErrorContains(err, "branch parent has child branches (child, grandchild)"), "a parent is not deleted under its children")
			for _, name := range []string{"parent", "child", "grandchild"} {
				_, ok := e.BranchDatabase("app", name)
				assert.Assert(t, ok, name)
			}
			assert.NilError(t, c.DatabaseBranches.Delete(ctx(t), &ps.DeleteDatabaseBranchRequest{Organization: org, Database: "app", Branch: "parent", DeleteDescendants: true}))
			for _, name := range []string{"parent", "child", "grandchild"} {
				_, ok := e.BranchDatabase("app", name)
				assert.Assert(t, !ok, name)
			}
		})
	})
}

// storageHas reports whether the storage server has a database.
func storageHas(t *testing.T, e *emulator.Emulator, name string) bool {
	t.Helper()
	cfg := mustParseAdmin(t, e)
	db := openDB(t, cfg)
	var n int
	assert.NilError(t, db.QueryRowContext(ctx(t), "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = ?", name).Scan(&n))
	return n > 0
}

func TestBranchReadyAfterDelay(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, append(opts, emulatortest.WithProfile(emulator.ProfileFast), emulatortest.WithTimeScale(2))...)
		c := client(t, e)
		start := time.Now()
		b, err := c.DatabaseBranches.Create(ctx(t), &ps.CreateDatabaseBranchRequest{Organization: e.Org(), Database: "app", Name: "slow"})
		assert.NilError(t, err)
		assert.Assert(t, !b.Ready)
		var polls int
		poll.WaitOn(t, func(poll.LogT) poll.Result {
			polls++
			got, err := c.DatabaseBranches.Get(ctx(t), &ps.GetDatabaseBranchRequest{Organization: e.Org(), Database: "app", Branch: "slow"})
			if err != nil {
				return poll.Error(err)
			}
			if !got.Ready {
				return poll.Continue("not ready")
			}
			return poll.Success()
		}, poll.WithDelay(20*time.Millisecond), poll.WithTimeout(10*time.Second))
		assert.Assert(t, time.Since(start) >= 400*time.Millisecond, "ready after %v", time.Since(start))
		assert.Assert(t, polls > 1)

		status, body := call(t, e, http.MethodGet, dbPath(e, "app")+"/branches/slow", nil)
		assert.Equal(t, status, http.StatusOK)
		var raw map[string]any
		assert.NilError(t, json.Unmarshal(body, &raw))
		assert.Equal(t, raw["state"], "ready")
	})
}

func TestDataBranching(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, append(opts, emulatortest.WithProfile(emulator.ProfileFast), emulatortest.WithDataBranching())...)
		c := client(t, e)
		org := e.Org()
		main := adminDB(t, e, "app", "main")
		execAll(t, main,
			"CREATE TABLE items (id BIGINT NOT NULL, name VARCHAR(64) NOT NULL, PRIMARY KEY (id))",
			"INSERT INTO items VALUES (1, 'one'), (2, 'two')",
		)

		status, body := call(t, e, http.MethodPost, dbPath(e, "app")+"/branches", map[string]string{"name": "seeded", "seed_data": "last_successful_backup"})
		assert.Equal(t, status, http.StatusUnprocessableEntity, "no backup yet: %s", body)

		bk, err := c.Backups.Create(ctx(t), &ps.CreateBackupRequest{Organization: org, Database: "app", Branch: "main"})
		assert.NilError(t, err)
		assert.Equal(t, bk.State, "pending")
		execAll(t, main, "INSERT INTO items VALUES (3, 'after the backup')")
		poll.WaitOn(t, func(poll.LogT) poll.Result {
			got, err := c.Backups.Get(ctx(t), &ps.GetBackupRequest{Organization: org, Database: "app", Branch: "main", Backup: bk.PublicID})
			if err != nil {
				return poll.Error(err)
			}
			if got.State != "success" {
				return poll.Continue("backup %s", got.State)
			}
			assert.Assert(t, !got.CompletedAt.IsZero())
			return poll.Success()
		}, poll.WithDelay(20*time.Millisecond), poll.WithTimeout(10*time.Second))
		list, err := c.Backups.List(ctx(t), &ps.ListBackupsRequest{Organization: org, Database: "app", Branch: "main"})
		assert.NilError(t, err)
		assert.Equal(t, len(list), 1)

		for _, req := range []ps.CreateDatabaseBranchRequest{
			{Database: "app", Name: "seeded", SeedData: "last_successful_backup"},
			{Database: "app", Name: "restored", BackupID: bk.PublicID, ClusterSize: "PS_10"},
		} {
			b := createTestBranch(t, c, e, req)
			assert.Equal(t, b.ParentBranch, "main")
			var names []string
			rows, err := adminDB(t, e, "app", req.Name).QueryContext(ctx(t), "SELECT name FROM items ORDER BY id")
			assert.NilError(t, err)
			for rows.Next() {
				var n string
				assert.NilError(t, rows.Scan(&n))
				names = append(names, n)
			}
			assert.NilError(t, rows.Err())
			assert.DeepEqual(t, names, []string{"one", "two"})
		}
	})
}

func TestBranchSettingsAndBackups(t *testing.T) {
	e := emulatortest.Start(t)
	c := client(t, e)
	org := e.Org()
	orgs, err := c.Organizations.List(ctx(t))
	assert.NilError(t, err)
	assert.Equal(t, len(orgs), 1)
	assert.Equal(t, orgs[0].Name, org)

	createTestBranch(t, c, e, ps.CreateDatabaseBranchRequest{Database: "app", Name: "staging"})
	b, err := c.DatabaseBranches.Promote(ctx(t), &ps.PromoteRequest{Organization: org, Database: "app", Branch: "staging"})
	assert.NilError(t, err)
	assert.Assert(t, b.Production && !b.SafeMigrations)
	b, err = c.DatabaseBranches.EnableSafeMigrations(ctx(t), &ps.EnableSafeMigrationsRequest{Organization: org, Database: "app", Branch: "staging"})
	assert.NilError(t, err)
	assert.Assert(t, b.SafeMigrations)
	b, err = c.DatabaseBranches.DisableSafeMigrations(ctx(t), &ps.DisableSafeMigrationsRequest{Organization: org, Database: "app", Branch: "staging"})
	assert.NilError(t, err)
	assert.Assert(t, !b.SafeMigrations)

	bk, err := c.Backups.Create(ctx(t), &ps.CreateBackupRequest{Organization: org, Database: "app", Branch: "main", Name: "nightly"})
	assert.NilError(t, err)
	assert.Equal(t, bk.Name, "nightly")
	assert.Equal(t, bk.State, "success", "zero profile")
	snapshot := e.State().Databases[0].Backups[0].StorageDatabase
	assert.Assert(t, storageHas(t, e, snapshot))
	assert.NilError(t, c.Backups.Delete(ctx(t), &ps.DeleteBackupRequest{Organization: org, Database: "app", Branch: "main", Backup: bk.PublicID}))
	assert.Assert(t, !storageHas(t, e, snapshot))
	_, err = c.Backups.Get(ctx(t), &ps.GetBackupRequest{Organization: org, Database: "app", Branch: "main", Backup: bk.PublicID})
	assert.Equal(t, sdkCode(err), ps.ErrNotFound)
}

// TestListBranchesFilters checks the branch list's filters the spec
// gives list_branches: q, production and safe_migrations.
func TestListBranchesFilters(t *testing.T) {
	t.Parallel()
	e := emulatortest.Start(t)
	c := client(t, e)
	createTestBranch(t, c, e, ps.CreateDatabaseBranchRequest{Database: "app", Name: "dev"})
	createTestBranch(t, c, e, ps.CreateDatabaseBranchRequest{Database: "app", Name: "staging"})
	status, body := call(t, e, http.MethodPost, dbPath(e, "app")+"/branches/staging/safe-migrations", nil)
	assert.Equal(t, status, http.StatusOK, string(body))
	names := func(query string) []string {
		t.Helper()
		out := []string{}
		for _, b := range listData[struct {
			Name string `json:"name"`
		}](t, e, dbPath(e, "app")+"/branches?"+query) {
			out = append(out, b.Name)
		}
		return out
	}
	assert.DeepEqual(t, names("safe_migrations=true"), []string{"main", "staging"})
	assert.DeepEqual(t, names("safe_migrations=false"), []string{"dev"})
	assert.DeepEqual(t, names("production=true"), []string{"main"})
	assert.DeepEqual(t, names("q=dev"), []string{"dev"})
	// Listed by creation time; main and dev may share a millisecond.
	assert.DeepEqual(t, slices.Sorted(slices.Values(names(""))), []string{"dev", "main", "staging"})
}

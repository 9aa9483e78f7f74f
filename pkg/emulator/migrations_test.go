package emulator_test

import (
	"net/http"
	"testing"
	"time"

	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/poll"
)

// migrationTableDDL is a migration table as psflow's (shared.MigrationTableDDL).
const migrationTableDDL = "CREATE TABLE schema_migrations (version VARCHAR(255) NOT NULL, checksum CHAR(64) NOT NULL DEFAULT '', PRIMARY KEY (version))"

// versions lists the migration table of a branch, version:checksum.
func (d drEnv) versions(t *testing.T, branch string) []string {
	t.Helper()
	out := d.rows(t, branch, "SELECT CONCAT(version, ':', checksum) FROM schema_migrations ORDER BY version")
	if out == nil {
		out = []string{}
	}
	return out
}

// withMigrationTable gives main the migration table with two migrations
// applied.
func (d drEnv) withMigrationTable(t *testing.T) {
	t.Helper()
	execAll(t, adminDB(t, d.e, "app", "main"), migrationTableDDL, "INSERT INTO schema_migrations VALUES ('001', 'a'), ('002', 'b')")
}

func TestAutomaticMigrationsNewBranch(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		for _, tc := range []struct {
			name string
			on   bool
			want []string
		}{
			{"on", true, []string{"001:a", "002:b"}},
			{"off", false, []string{}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				e := emulatortest.Start(t, opts...)
				d := drEnv{e: e, c: client(t, e)}
				d.withMigrationTable(t)
				if tc.on {
					migrationsOn(t, e, "schema_migrations")
				}
				d.branchWith(t, "pr")
				assert.DeepEqual(t, d.versions(t, "pr"), tc.want)
				// Other tables get no rows: only the migration table is copied.
				execAll(t, adminDB(t, e, "app", "main"), "CREATE TABLE notes (id BIGINT NOT NULL PRIMARY KEY)", "INSERT INTO notes VALUES (1)")
				d.branchWith(t, "pr-notes")
				assert.DeepEqual(t, d.rows(t, "pr-notes", "SELECT id FROM notes"), []string(nil))
			})
		}
		t.Run("restored from a backup", func(t *testing.T) {
			e := emulatortest.Start(t, opts...)
			d := drEnv{e: e, c: client(t, e)}
			d.withMigrationTable(t)
			migrationsOn(t, e, "schema_migrations")
			bk, err := d.c.Backups.Create(ctx(t), &ps.CreateBackupRequest{Organization: e.Org(), Database: "app", Branch: "main"})
			assert.NilError(t, err)
			poll.WaitOn(t, func(poll.LogT) poll.Result {
				got, err := d.c.Backups.Get(ctx(t), &ps.GetBackupRequest{Organization: e.Org(), Database: "app", Branch: "main", Backup: bk.PublicID})
				if err != nil || got.State != "success" {
					return poll.Continue("backup not ready")
				}
				return poll.Success()
			}, poll.WithDelay(10*time.Millisecond))
			// Applied to main after the backup: not part of the backup's schema.
			execAll(t, adminDB(t, e, "app", "main"), "INSERT INTO schema_migrations VALUES ('003', 'c')")
			createTestBranch(t, d.c, e, ps.CreateDatabaseBranchRequest{Database: "app", Name: "restored", BackupID: bk.PublicID, ClusterSize: "PS_10"})
			assert.DeepEqual(t, d.versions(t, "restored"), []string{"001:a", "002:b"})
		})
	})
}

// TestAutomaticMigrationsDeploy: a deploy moves the branch's migration rows into main when its
// revert window closes, not at cutover; a revert moves none; main's rows keep their values.
func TestAutomaticMigrationsDeploy(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		for _, tc := range []struct {
			name   string
			revert bool
			want   []string
		}{
			{"skip revert", false, []string{"001:a", "002:b", "003:c"}},
			{"revert", true, []string{"001:a", "002:b"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				e := emulatortest.Start(t, append(opts, emulatortest.WithTimings(emulator.Timings{RevertWindow: time.Hour}))...)
				d := drEnv{e: e, c: client(t, e)}
				d.withMigrationTable(t)
				migrationsOn(t, e, "schema_migrations")
				d.branchWith(t, "pr", "CREATE TABLE posts (id BIGINT NOT NULL PRIMARY KEY)",
					"INSERT INTO schema_migrations VALUES ('003', 'c')", "UPDATE schema_migrations SET checksum = 'changed' WHERE version = '002'")
				dr := d.deployed(t, "pr", "complete_pending_revert")
				assert.DeepEqual(t, d.tables(t, "main"), []string{"posts", "schema_migrations"})
				assert.Check(t, is.DeepEqual(d.versions(t, "main"), []string{"001:a", "002:b"}), "rows move when the revert window closes")
				// The branch changes after the cutover: not part of the deploy.
				execAll(t, adminDB(t, e, "app", "pr"), "INSERT INTO schema_migrations VALUES ('004', 'd')")

				req := ps.SkipRevertDeployRequestRequest{Organization: e.Org(), Database: "app", Number: dr.Number}
				if tc.revert {
					_, err := d.c.DeployRequests.RevertDeploy(ctx(t), &ps.RevertDeployRequestRequest{Organization: e.Org(), Database: "app", Number: dr.Number})
					assert.NilError(t, err)
					d.wait(t, dr.Number, "complete_revert")
				} else {
					_, err := d.c.DeployRequests.SkipRevertDeploy(ctx(t), &req)
					assert.NilError(t, err)
					d.wait(t, dr.Number, "complete")
				}
				assert.DeepEqual(t, d.versions(t, "main"), tc.want)
			})
		}
		t.Run("window expires, branch auto-deleted", func(t *testing.T) {
			e := emulatortest.Start(t, opts...)
			d := drEnv{e: e, c: client(t, e)}
			d.withMigrationTable(t)
			migrationsOn(t, e, "schema_migrations")
			d.branchWith(t, "pr", "CREATE TABLE posts (id BIGINT NOT NULL PRIMARY KEY)", "INSERT INTO schema_migrations VALUES ('003', 'c')")
			dr, err := d.c.DeployRequests.Create(ctx(t), &ps.CreateDeployRequestRequest{
				Organization: e.Org(), Database: "app", Branch: "pr", AutoCutover: true, AutoDeleteBranch: true,
			})
			assert.NilError(t, err)
			d.wait(t, dr.Number, "ready")
			_, err = d.deploy(t, dr.Number)
			assert.NilError(t, err)
			d.wait(t, dr.Number, "complete")
			assert.DeepEqual(t, d.versions(t, "main"), []string{"001:a", "002:b", "003:c"})
		})
	})
}

// TestMigrationRowsOnlyIsNoChanges checks that a branch whose only change
// is a row of the migration table has nothing to deploy.
func TestMigrationRowsOnlyIsNoChanges(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, opts...)
		d := drEnv{e: e, c: client(t, e)}
		d.withMigrationTable(t)
		migrationsOn(t, e, "schema_migrations")
		d.branchWith(t, "pr", "INSERT INTO schema_migrations VALUES ('003', 'c')")
		dr := d.wait(t, d.open(t, "pr", true).Number, "no_changes")
		_, err := d.deploy(t, dr.Number)
		assert.Check(t, is.ErrorContains(err, "no changes"))
		status, _ := call(t, e, http.MethodGet, dbPath(e, "app"), nil)
		assert.Equal(t, status, http.StatusOK)
		assert.DeepEqual(t, d.versions(t, "main"), []string{"001:a", "002:b"})
	})
}

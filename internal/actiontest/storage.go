package actiontest

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/pkg/emulator"
	"gotest.tools/v3/assert"
	"gotest.tools/v3/poll"
)

// BranchDB is an admin connection to the storage database of a branch of
// em's database app, for test setup and checks behind psflow's back.
func BranchDB(t *testing.T, em *emulator.Emulator, branch string) *sql.DB {
	t.Helper()
	name, ok := em.BranchDatabase("app", branch)
	assert.Assert(t, ok, "branch %s has no database", branch)
	return StorageDB(t, em, name)
}

// StorageDB is an admin connection to a database of em's storage.
func StorageDB(t *testing.T, em *emulator.Emulator, name string) *sql.DB {
	t.Helper()
	cfg, err := mysql.ParseDSN(em.AdminDSN())
	assert.NilError(t, err)
	cfg.DBName = name
	db, err := sql.Open("mysql", cfg.FormatDSN())
	assert.NilError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// Query runs a query and returns its rows, each column as a string (NULL
// as "").
func Query(t *testing.T, db *sql.DB, query string, args ...any) [][]string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), query, args...)
	assert.NilError(t, err, query)
	defer rows.Close()
	cols, err := rows.Columns()
	assert.NilError(t, err)
	var out [][]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		assert.NilError(t, rows.Scan(ptrs...))
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = v.String
		}
		out = append(out, row)
	}
	assert.NilError(t, rows.Err())
	return out
}

// Backup makes a backup of a branch of em's database app and waits until
// it succeeded.
func Backup(t *testing.T, em *emulator.Emulator, branch string) {
	t.Helper()
	BackupOf(t, em, "app", branch)
}

// BackupOf makes a backup of a branch of one of em's databases and waits
// until it succeeded.
func BackupOf(t *testing.T, em *emulator.Emulator, database, branch string) {
	t.Helper()
	ctx := context.Background()
	c := SDK(t, em)
	backup, err := c.Backups.Create(ctx, &ps.CreateBackupRequest{Organization: em.Org(), Database: database, Branch: branch})
	assert.NilError(t, err)
	poll.WaitOn(t, func(poll.LogT) poll.Result {
		b, err := c.Backups.Get(ctx, &ps.GetBackupRequest{Organization: em.Org(), Database: database, Branch: branch, Backup: backup.PublicID})
		if err != nil {
			return poll.Error(err)
		}
		if b.State != "success" {
			return poll.Continue("backup is %s", b.State)
		}
		return poll.Success()
	}, poll.WithTimeout(10*time.Second))
}

// Passwords lists the passwords a branch of em's database app has in the
// emulator's state.
func Passwords(t *testing.T, em *emulator.Emulator, branch string) []emulator.PasswordState {
	t.Helper()
	for _, d := range em.State().Databases {
		for _, b := range d.Branches {
			if d.Name == "app" && b.Name == branch {
				return b.Passwords
			}
		}
	}
	t.Fatalf("branch %s not in the emulator's state", branch)
	return nil
}

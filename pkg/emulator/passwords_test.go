package emulator_test

import (
	"encoding/json"
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

func TestPasswords(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, opts...)
		c := client(t, e)
		org := e.Org()
		createTestBranch(t, c, e, ps.CreateDatabaseBranchRequest{Database: "app", Name: "dev"})
		mainDB, _ := e.BranchDatabase("app", "main")
		create := func(t *testing.T, branch, role string, ttl int) *ps.DatabaseBranchPassword {
			t.Helper()
			pw, err := c.Passwords.Create(ctx(t), &ps.DatabaseBranchPasswordRequest{
				Organization: org, Database: "app", Branch: branch, Name: role + "-pw", Role: role, TTL: ttl,
			})
			assert.NilError(t, err)
			return pw
		}

		admin := create(t, "dev", "admin", 0)
		t.Run("create returns working admin credentials", func(t *testing.T) {
			assert.Equal(t, admin.Role, "admin")
			assert.Equal(t, admin.Name, "admin-pw")
			assert.Equal(t, admin.Hostname, e.MySQLAddr())
			assert.Assert(t, is.Regexp(`^pscale_[a-z0-9_]+$`, admin.Username))
			assert.Assert(t, len(admin.Username) <= 32)
			assert.Assert(t, admin.PlainText != "")
			assert.Equal(t, admin.Branch.Name, "dev")
			assert.Assert(t, admin.ExpiresAt.IsZero())
			db := passwordDB(t, e, admin, "app")
			execAll(t, db,
				"CREATE TABLE notes (id BIGINT NOT NULL, body TEXT, PRIMARY KEY (id))",
				"ALTER TABLE notes ADD COLUMN title VARCHAR(100)",
				"INSERT INTO notes (id, body, title) VALUES (1, 'hello', 't')",
			)
			assert.DeepEqual(t, tableNames(t, c, e, "app", "dev"), []string{"notes"})
		})

		t.Run("plain text only in the create response", func(t *testing.T) {
			got, err := c.Passwords.Get(ctx(t), &ps.GetDatabaseBranchPasswordRequest{Organization: org, Database: "app", Branch: "dev", PasswordId: admin.PublicID})
			assert.NilError(t, err)
			assert.Equal(t, got.PlainText, "")
			assert.Equal(t, got.Username, admin.Username)
			list, err := c.Passwords.List(ctx(t), &ps.ListDatabaseBranchPasswordRequest{Organization: org, Database: "app", Branch: "dev"})
			assert.NilError(t, err)
			assert.Equal(t, len(list), 1)
			assert.Equal(t, list[0].PlainText, "")
			all, err := c.Passwords.List(ctx(t), &ps.ListDatabaseBranchPasswordRequest{Organization: org, Database: "app"})
			assert.NilError(t, err)
			assert.Equal(t, len(all), 1, "before the main password exists")
		})

		t.Run("reader cannot write", func(t *testing.T) {
			db := passwordDB(t, e, create(t, "dev", "reader", 0), "app")
			var n int
			assert.NilError(t, db.QueryRowContext(ctx(t), "SELECT COUNT(*) FROM notes").Scan(&n))
			assert.Equal(t, n, 1)
			_, err := db.ExecContext(ctx(t), "INSERT INTO notes (id, body) VALUES (2, 'no')")
			assert.Assert(t, err != nil, "reader inserted a row")
		})

		t.Run("another branch is not reachable", func(t *testing.T) {
			db := passwordDB(t, e, admin, "app")
			_, err := db.ExecContext(ctx(t), "CREATE TABLE `"+mainDB+"`.intruder (id INT PRIMARY KEY)")
			assert.Assert(t, err != nil, "admin of dev created a table on main")
			_, err = passwordDB(t, e, admin, mainDB).ExecContext(ctx(t), "SELECT 1")
			assert.Assert(t, err != nil, "admin of dev connected to main's database")
		})

		t.Run("safe migrations block direct DDL", func(t *testing.T) {
			db := passwordDB(t, e, create(t, "main", "admin", 0), "app")
			_, err := db.ExecContext(ctx(t), "CREATE TABLE direct (id INT PRIMARY KEY)")
			assert.ErrorContains(t, err, "Error 1105 (HY000): direct DDL is disabled")
			var n int
			assert.NilError(t, db.QueryRowContext(ctx(t), "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()").Scan(&n))
			assert.Equal(t, n, 0)
		})

		t.Run("wrong password is refused", func(t *testing.T) {
			wrong := *admin
			wrong.PlainText = "pscale_pw_wrong"
			assert.Assert(t, passwordDB(t, e, &wrong, "app").PingContext(ctx(t)) != nil)
		})

		t.Run("invalid role", func(t *testing.T) {
			status, body := call(t, e, http.MethodPost, dbPath(e, "app")+"/branches/dev/passwords", map[string]string{"role": "root"})
			assert.Equal(t, status, http.StatusUnprocessableEntity, string(body))
		})

		t.Run("delete stops the login", func(t *testing.T) {
			pw := create(t, "dev", "readwriter", 0)
			assert.NilError(t, passwordDB(t, e, pw, "app").PingContext(ctx(t)))
			assert.NilError(t, c.Passwords.Delete(ctx(t), &ps.DeleteDatabaseBranchPasswordRequest{Organization: org, Database: "app", Branch: "dev", PasswordId: pw.PublicID}))
			assert.Assert(t, passwordDB(t, e, pw, "app").PingContext(ctx(t)) != nil)
			_, err := c.Passwords.Get(ctx(t), &ps.GetDatabaseBranchPasswordRequest{Organization: org, Database: "app", Branch: "dev", PasswordId: pw.PublicID})
			assert.Equal(t, sdkCode(err), ps.ErrNotFound)
		})

		t.Run("ttl expiry stops the login", func(t *testing.T) {
			pw := create(t, "dev", "writer", 1)
			assert.Equal(t, pw.TTL, 1)
			assert.Assert(t, pw.ExpiresAt.Sub(pw.CreatedAt) == time.Second, "expires %v after creation", pw.ExpiresAt.Sub(pw.CreatedAt))
			assert.NilError(t, passwordDB(t, e, pw, "app").PingContext(ctx(t)))
			poll.WaitOn(t, func(poll.LogT) poll.Result {
				if err := passwordDB(t, e, pw, "app").PingContext(ctx(t)); err == nil {
					return poll.Continue("login still works")
				}
				return poll.Success()
			}, poll.WithDelay(100*time.Millisecond), poll.WithTimeout(10*time.Second))
			got, err := c.Passwords.Get(ctx(t), &ps.GetDatabaseBranchPasswordRequest{Organization: org, Database: "app", Branch: "dev", PasswordId: pw.PublicID})
			assert.NilError(t, err)
			status, body := call(t, e, http.MethodGet, dbPath(e, "app")+"/branches/dev/passwords/"+got.PublicID, nil)
			assert.Equal(t, status, http.StatusOK)
			assert.Assert(t, is.Contains(string(body), `"expired":true`))
		})
	})
}

// TestRenewPassword: renew_password runs the TTL again from now, as `pscale connect` relies
// on; the password works past its first TTL, storage login included.
func TestRenewPassword(t *testing.T) {
	e := emulatortest.Start(t)
	createTestBranch(t, client(t, e), e, ps.CreateDatabaseBranchRequest{Database: "app", Name: "dev"})
	pw := edgePassword(t, e, "dev", map[string]any{"role": "admin", "ttl": 1})
	assert.Assert(t, pw.Renewable)
	renew := dbPath(e, "app") + "/branches/dev/passwords/" + pw.ID + "/renew"
	for range 3 {
		time.Sleep(600 * time.Millisecond)
		status, body := call(t, e, http.MethodPost, renew, nil)
		assert.Equal(t, status, http.StatusOK, string(body))
		var v emulator.PasswordView
		assert.NilError(t, json.Unmarshal(body, &v))
		assert.Assert(t, v.PlainText == nil, "a renewal does not show the secret again")
		assert.Assert(t, *v.ExpiresAt > *pw.ExpiresAt, "%s is not after %s", *v.ExpiresAt, *pw.ExpiresAt)
	}
	// 1.8 s after creation, past the first TTL, it still logs in.
	assert.NilError(t, passwordDB(t, e, asSDK(pw), "app").PingContext(ctx(t)))

	forever := edgePassword(t, e, "dev", map[string]any{"role": "admin"})
	assert.Assert(t, !forever.Renewable)
	status, body := call(t, e, http.MethodPost, dbPath(e, "app")+"/branches/dev/passwords/"+forever.ID+"/renew", nil)
	assert.Equal(t, status, http.StatusUnprocessableEntity, string(body))
	status, _ = call(t, e, http.MethodPost, dbPath(e, "app")+"/branches/dev/passwords/nope/renew", nil)
	assert.Equal(t, status, http.StatusNotFound)
}

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

// adminAuth is the Authorization of the extra token the scoped-access
// tests set things up with; it has every access.
const adminAuth = "admin:admin-secret"

// adminBackup makes a backup of branch with the admin token and waits
// until it succeeded; it returns its id.
func adminBackup(t *testing.T, e *emulator.Emulator, branch string) string {
	t.Helper()
	status, body := callWith(t, e, http.MethodPost, dbPath(e, "app")+"/branches/"+branch+"/backups", nil, adminAuth)
	assert.Equal(t, status, http.StatusCreated, string(body))
	var bk struct {
		ID    string `json:"id"`
		State string `json:"state"`
	}
	assert.NilError(t, json.Unmarshal(body, &bk))
	poll.WaitOn(t, func(poll.LogT) poll.Result {
		status, body := callWith(t, e, http.MethodGet, dbPath(e, "app")+"/branches/"+branch+"/backups/"+bk.ID, nil, adminAuth)
		assert.Equal(t, status, http.StatusOK, string(body))
		assert.NilError(t, json.Unmarshal(body, &bk))
		if bk.State != "success" {
			return poll.Continue("backup is %s", bk.State)
		}
		return poll.Success()
	}, poll.WithDelay(10*time.Millisecond), poll.WithTimeout(10*time.Second))
	return bk.ID
}

// scopedEmulator starts an emulator whose token has only accesses, with
// an admin token beside it, and database app's Data Branching on or off.
func scopedEmulator(t *testing.T, dataBranching bool, accesses ...string) *emulator.Emulator {
	t.Helper()
	opts := []emulatortest.Option{emulatortest.WithTokenAccesses(accesses...), emulatortest.WithExtraToken("admin", "admin-secret")}
	if dataBranching {
		opts = append(opts, emulatortest.WithDataBranching())
	}
	return emulatortest.Start(t, opts...)
}

// createAs creates a branch with the emulator's (scoped) token and returns
// the status and the error message, if any.
func createAs(t *testing.T, e *emulator.Emulator, body map[string]string) (int, string) {
	t.Helper()
	status, data := call(t, e, http.MethodPost, dbPath(e, "app")+"/branches", body)
	if status >= 400 {
		return status, apiErr(t, data).Message
	}
	return status, ""
}

// TestDataBranchingAccesses: seed_data and backup_id need a restore access (spec create_branch),
// seed_data allow_data_branching, backup_id cluster_size; else create_branch.
func TestDataBranchingAccesses(t *testing.T) {
	t.Parallel()
	t.Run("no restore access", func(t *testing.T) {
		t.Parallel()
		e := scopedEmulator(t, true, "create_branch", "read_branch", "read_backups")
		bk := adminBackup(t, e, "main")
		for _, body := range []map[string]string{
			{"name": "seeded", "seed_data": "last_successful_backup"},
			{"name": "restored", "backup_id": bk, "cluster_size": "PS_10"},
		} {
			status, msg := createAs(t, e, body)
			assert.Equal(t, status, http.StatusForbidden, msg)
			assert.Check(t, is.Contains(msg, "it needs the restore_production_branch_backup access"))
		}
		status, msg := createAs(t, e, map[string]string{"name": "plain"})
		assert.Equal(t, status, http.StatusCreated, msg)
	})
	t.Run("restore access only", func(t *testing.T) {
		t.Parallel()
		e := scopedEmulator(t, false, "restore_production_branch_backup", "read_branch")
		bk := adminBackup(t, e, "main")
		status, msg := createAs(t, e, map[string]string{"name": "plain"})
		assert.Equal(t, status, http.StatusForbidden, msg)
		assert.Check(t, is.Contains(msg, "it needs the create_branch access"))
		status, msg = createAs(t, e, map[string]string{"name": "restored", "backup_id": bk})
		assert.Equal(t, status, http.StatusUnprocessableEntity, msg)
		assert.Check(t, is.Contains(msg, "cluster_size is required with backup_id"))
		status, msg = createAs(t, e, map[string]string{"name": "restored", "backup_id": bk, "cluster_size": "PS_10"})
		assert.Equal(t, status, http.StatusCreated, msg)

		status, msg = createAs(t, e, map[string]string{"name": "seeded", "seed_data": "last_successful_backup"})
		assert.Equal(t, status, http.StatusUnprocessableEntity, msg)
		assert.Check(t, is.Contains(msg, "Data Branching is not enabled on database app"))
		status, body := callWith(t, e, http.MethodPatch, dbPath(e, "app"), map[string]any{"allow_data_branching": true}, adminAuth)
		assert.Equal(t, status, http.StatusOK, string(body))
		status, msg = createAs(t, e, map[string]string{"name": "seeded", "seed_data": "last_successful_backup"})
		assert.Equal(t, status, http.StatusCreated, msg)
	})
	t.Run("restore_backup covers development branches", func(t *testing.T) {
		t.Parallel()
		e := scopedEmulator(t, true, "restore_backup", "read_branch")
		status, body := callWith(t, e, http.MethodPost, dbPath(e, "app")+"/branches", map[string]string{"name": "dev"}, adminAuth)
		assert.Equal(t, status, http.StatusCreated, string(body))
		prod, dev := adminBackup(t, e, "main"), adminBackup(t, e, "dev")
		status, msg := createAs(t, e, map[string]string{"name": "from-main", "backup_id": prod, "cluster_size": "PS_10"})
		assert.Equal(t, status, http.StatusForbidden, msg)
		status, msg = createAs(t, e, map[string]string{"name": "from-dev", "backup_id": dev, "cluster_size": "PS-10"})
		assert.Equal(t, status, http.StatusCreated, msg)
	})
}

// TestPasswordAccessesByBranchKind: a production password needs connect_production_branch (a
// reader's also …_read_only_branch), a development one connect_branch; deleting, delete_….
func TestPasswordAccessesByBranchKind(t *testing.T) {
	t.Parallel()
	e := scopedEmulator(t, false, "read_branch", "connect_branch", "connect_production_read_only_branch", "delete_branch_password")
	status, body := callWith(t, e, http.MethodPost, dbPath(e, "app")+"/branches", map[string]string{"name": "dev"}, adminAuth)
	assert.Equal(t, status, http.StatusCreated, string(body))

	mk := func(branch, role string) (int, []byte) {
		return call(t, e, http.MethodPost, dbPath(e, "app")+"/branches/"+branch+"/passwords", map[string]string{"role": role})
	}
	status, body = mk("main", "admin")
	assert.Equal(t, status, http.StatusForbidden, string(body))
	assert.DeepEqual(t, apiErr(t, body), emulator.ErrorBody{Code: "forbidden",
		Message: "the service token may not create a password with role admin on production branch main: it needs the connect_production_branch access"})
	status, body = mk("main", "readwriter")
	assert.Equal(t, status, http.StatusForbidden, string(body))
	status, body = mk("main", "reader")
	assert.Equal(t, status, http.StatusCreated, "connect_production_read_only_branch makes readers: %s", body)
	var reader struct {
		ID string `json:"id"`
	}
	assert.NilError(t, json.Unmarshal(body, &reader))
	status, body = mk("dev", "admin")
	assert.Equal(t, status, http.StatusCreated, string(body))
	var dev struct {
		ID string `json:"id"`
	}
	assert.NilError(t, json.Unmarshal(body, &dev))

	status, body = call(t, e, http.MethodDelete, dbPath(e, "app")+"/branches/main/passwords/"+reader.ID, nil)
	assert.Equal(t, status, http.StatusForbidden, string(body))
	assert.Check(t, is.Contains(apiErr(t, body).Message, "delete_production_branch_password or delete_production_read_only_branch_password"))
	status, body = call(t, e, http.MethodDelete, dbPath(e, "app")+"/branches/dev/passwords/"+dev.ID, nil)
	assert.Equal(t, status, http.StatusNoContent, string(body))
}

// TestApprovalNeedsApproveAccess: review_deploy_request takes either access (spec); a
// token with only review_deploy_request comments and cannot approve.
func TestApprovalNeedsApproveAccess(t *testing.T) {
	t.Parallel()
	e := scopedEmulator(t, false, "read_deploy_request", "review_deploy_request")
	status, body := callWith(t, e, http.MethodPost, dbPath(e, "app")+"/branches", map[string]string{"name": "dev"}, adminAuth)
	assert.Equal(t, status, http.StatusCreated, string(body))
	execAll(t, adminDB(t, e, "app", "dev"), "CREATE TABLE t (id INT NOT NULL PRIMARY KEY)")
	status, body = callWith(t, e, http.MethodPost, dbPath(e, "app")+"/deploy-requests", map[string]string{"branch": "dev", "into_branch": "main"}, adminAuth)
	assert.Equal(t, status, http.StatusCreated, string(body))

	reviews := dbPath(e, "app") + "/deploy-requests/1/reviews"
	status, body = call(t, e, http.MethodPost, reviews, map[string]string{"state": "commented", "body": "looks fine"})
	assert.Equal(t, status, http.StatusCreated, string(body))
	status, body = call(t, e, http.MethodPost, reviews, map[string]string{"state": "approved"})
	assert.Equal(t, status, http.StatusForbidden, string(body))
	assert.Check(t, is.Contains(apiErr(t, body).Message, "it needs the approve_deploy_request access"))
	dr, err := client(t, e).DeployRequests.Get(ctx(t), &ps.GetDeployRequestRequest{Organization: e.Org(), Database: "app", Number: 1})
	assert.NilError(t, err)
	assert.Check(t, !dr.Approved, "approved by a token without approve_deploy_request")
}

// TestPerDatabaseToken: a token granted on one database gets 404 not_found
// on another, as for a missing database, and the list leaves it out.
func TestPerDatabaseToken(t *testing.T) {
	t.Parallel()
	e := emulatortest.Start(t, emulatortest.WithDatabases("app", "other"), emulatortest.WithTokenDatabases("app"), emulatortest.WithExtraToken("admin", "admin-secret"))
	c := client(t, e)
	list, err := c.Databases.List(ctx(t), &ps.ListDatabasesRequest{Organization: e.Org()})
	assert.NilError(t, err)
	assert.Equal(t, len(list), 1)
	assert.Equal(t, list[0].Name, "app")
	_, err = c.DatabaseBranches.Get(ctx(t), &ps.GetDatabaseBranchRequest{Organization: e.Org(), Database: "app", Branch: "main"})
	assert.NilError(t, err)
	for _, path := range []string{"", "/branches", "/branches/main", "/deploy-requests"} {
		status, body := call(t, e, http.MethodGet, dbPath(e, "other")+path, nil)
		assert.Equal(t, status, http.StatusNotFound, "%s: %s", path, body)
		assert.DeepEqual(t, apiErr(t, body), emulator.ErrorBody{Code: "not_found", Message: "Not Found"})
		status, body = callWith(t, e, http.MethodGet, dbPath(e, "other")+path, nil, adminAuth)
		assert.Equal(t, status, http.StatusOK, "the admin token reaches %s: %s", path, body)
	}
	status, body := call(t, e, http.MethodPost, dbPath(e, "other")+"/branches", map[string]string{"name": "x"})
	assert.Equal(t, status, http.StatusNotFound, string(body))
}

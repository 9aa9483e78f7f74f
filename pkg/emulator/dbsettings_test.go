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

// dbSettings is the part of the database view the settings tests read.
type dbSettings struct {
	DefaultBranch              string `json:"default_branch"`
	AllowDataBranching         bool   `json:"allow_data_branching"`
	ForeignKeysEnabled         bool   `json:"foreign_keys_enabled"`
	RestrictBranchRegion       bool   `json:"restrict_branch_region"`
	InsightsRawQueries         bool   `json:"insights_raw_queries"`
	DeletionProtected          bool   `json:"deletion_protected"`
	ProductionBranchWebConsole bool   `json:"production_branch_web_console"`
	RequireApprovalForDeploy   bool   `json:"require_approval_for_deploy"`
}

// patchDatabase sends PATCH .../databases/app and returns the status and
// the settings of the answer (or the error body).
func patchDatabase(t *testing.T, e *emulator.Emulator, body any) (int, dbSettings, []byte) {
	t.Helper()
	status, data := call(t, e, http.MethodPatch, dbPath(e, "app"), body)
	var s dbSettings
	if status == http.StatusOK {
		assert.NilError(t, json.Unmarshal(data, &s))
	}
	return status, s, data
}

// TestDatabaseSettingsApplied: every setting of spec update_database_settings is applied
// and shown by GET, or the request is refused and nothing changes.
func TestDatabaseSettingsApplied(t *testing.T) {
	t.Parallel()
	e := emulatortest.Start(t)
	_, before, _ := patchDatabase(t, e, map[string]any{})
	assert.DeepEqual(t, before, dbSettings{DefaultBranch: "main"})

	all := map[string]any{
		"allow_data_branching": true, "allow_foreign_key_constraints": true, "restrict_branch_region": true,
		"insights_raw_queries": true, "deletion_protected": true, "production_branch_web_console": true,
		"require_approval_for_deploy": true, "default_branch": "main",
	}
	status, got, body := patchDatabase(t, e, all)
	assert.Equal(t, status, http.StatusOK, string(body))
	want := dbSettings{"main", true, true, true, true, true, true, true}
	assert.DeepEqual(t, got, want)
	status, data := call(t, e, http.MethodGet, dbPath(e, "app"), nil)
	assert.Equal(t, status, http.StatusOK)
	var read dbSettings
	assert.NilError(t, json.Unmarshal(data, &read))
	assert.DeepEqual(t, read, want)

	for _, tc := range []struct {
		name   string
		body   map[string]any
		status int
		msg    string
	}{
		{"unknown setting", map[string]any{"allow_foreign_keys": false}, http.StatusUnprocessableEntity, "unknown database setting allow_foreign_keys"},
		{"missing default branch", map[string]any{"default_branch": "nope", "insights_raw_queries": false}, http.StatusNotFound, "branch nope not found"},
		{"rename", map[string]any{"new_name": "other", "insights_raw_queries": false}, http.StatusNotImplemented, "new_name) is not emulated"},
		{"wrong type", map[string]any{"allow_data_branching": "yes"}, http.StatusBadRequest, "invalid database settings"},
	} {
		status, _, body := patchDatabase(t, e, tc.body)
		assert.Equal(t, status, tc.status, "%s: %s", tc.name, body)
		assert.Check(t, is.Contains(apiErr(t, body).Message, tc.msg), tc.name)
	}
	_, after, _ := patchDatabase(t, e, map[string]any{})
	assert.DeepEqual(t, after, want) // a refused request changed nothing
}

// TestDefaultBranchSetting: default_branch, a production branch, is the parent of a branch
// or deploy request without one (spec create_branch: "Defaults to the database's default branch").
func TestDefaultBranchSetting(t *testing.T) {
	t.Parallel()
	e := emulatortest.Start(t)
	c := client(t, e)
	createTestBranch(t, c, e, ps.CreateDatabaseBranchRequest{Database: "app", Name: "trunk"})
	status, _, body := patchDatabase(t, e, map[string]any{"default_branch": "trunk"})
	assert.Equal(t, status, http.StatusUnprocessableEntity, string(body))
	assert.Check(t, is.Contains(apiErr(t, body).Message, "only a production branch can be the default branch"))

	_, err := c.DatabaseBranches.Promote(ctx(t), &ps.PromoteRequest{Organization: e.Org(), Database: "app", Branch: "trunk"})
	assert.NilError(t, err)
	status, got, body := patchDatabase(t, e, map[string]any{"default_branch": "trunk"})
	assert.Equal(t, status, http.StatusOK, string(body))
	assert.Equal(t, got.DefaultBranch, "trunk")
	db, err := psClient(t, e).GetDatabase(ctx(t), "app")
	assert.NilError(t, err)
	assert.Equal(t, db.DefaultBranch, "trunk")

	status, body = call(t, e, http.MethodPost, dbPath(e, "app")+"/branches", map[string]string{"name": "feature"})
	assert.Equal(t, status, http.StatusCreated, string(body))
	var b ps.DatabaseBranch
	assert.NilError(t, json.Unmarshal(body, &b))
	assert.Equal(t, b.ParentBranch, "trunk")
}

// TestForeignKeySetting: allow_foreign_key_constraints decides whether FOREIGN_KEYS_DISALLOWED
// is reported, in the branch's lint and in a deploy request's.
func TestForeignKeySetting(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, opts...)
		c := client(t, e)
		createTestBranch(t, c, e, ps.CreateDatabaseBranchRequest{Database: "app", Name: "dev"})
		execAll(t, adminDB(t, e, "app", "dev"),
			"CREATE TABLE p (id INT NOT NULL PRIMARY KEY)",
			"CREATE TABLE k (id INT NOT NULL PRIMARY KEY, p_id INT NOT NULL, KEY p_id (p_id), CONSTRAINT k_p FOREIGN KEY (p_id) REFERENCES p (id))",
		)
		lint := func() []string {
			found, err := c.DatabaseBranches.LintSchema(ctx(t), &ps.LintSchemaRequest{Organization: e.Org(), Database: "app", Branch: "dev"})
			assert.NilError(t, err)
			codes := []string{}
			for _, l := range found {
				codes = append(codes, l.LintError)
			}
			return codes
		}
		assert.DeepEqual(t, lint(), []string{"FOREIGN_KEYS_DISALLOWED"})
		dr, err := c.DeployRequests.Create(ctx(t), &ps.CreateDeployRequestRequest{Organization: e.Org(), Database: "app", Branch: "dev", IntoBranch: "main"})
		assert.NilError(t, err)
		get := func() *ps.DeployRequest {
			got, err := c.DeployRequests.Get(ctx(t), &ps.GetDeployRequestRequest{Organization: e.Org(), Database: "app", Number: dr.Number})
			assert.NilError(t, err)
			return got
		}
		poll.WaitOn(t, func(poll.LogT) poll.Result {
			got := get()
			if got.DeploymentState == "pending" {
				return poll.Continue("deploy request still pending")
			}
			assert.Check(t, !got.Deployment.Deployable, "deployable with a foreign key while they are off")
			return poll.Success()
		}, poll.WithDelay(10*time.Millisecond), poll.WithTimeout(10*time.Second))

		status, got, body := patchDatabase(t, e, map[string]any{"allow_foreign_key_constraints": true})
		assert.Equal(t, status, http.StatusOK, string(body))
		assert.Check(t, got.ForeignKeysEnabled)
		assert.DeepEqual(t, lint(), []string{})
		poll.WaitOn(t, func(poll.LogT) poll.Result {
			if got := get(); !got.Deployment.Deployable {
				return poll.Continue("not deployable with a foreign key once they are on: %s, lint %v", got.DeploymentState, got.Deployment.LintErrors)
			}
			return poll.Success()
		}, poll.WithDelay(10*time.Millisecond), poll.WithTimeout(10*time.Second))
	})
}

// TestBranchDeletionProtection: a deletion_protected branch cannot be deleted, alone or as a
// descendant, until update_branch turns it off (docs security/deletion-protection).
func TestBranchDeletionProtection(t *testing.T) {
	t.Parallel()
	e := emulatortest.Start(t)
	c := client(t, e)
	status, body := call(t, e, http.MethodPost, dbPath(e, "app")+"/branches", map[string]any{"name": "keep", "deletion_protected": true})
	assert.Equal(t, status, http.StatusCreated, string(body))
	var b struct {
		DeletionProtected bool `json:"deletion_protected"`
	}
	assert.NilError(t, json.Unmarshal(body, &b))
	assert.Check(t, b.DeletionProtected)
	createTestBranch(t, c, e, ps.CreateDatabaseBranchRequest{Database: "app", Name: "child", ParentBranch: "keep"})

	for _, path := range []string{"/branches/keep", "/branches/keep?delete_descendants=true"} {
		status, body = call(t, e, http.MethodDelete, dbPath(e, "app")+path, nil)
		assert.Equal(t, status, http.StatusUnprocessableEntity, string(body))
		assert.Check(t, is.Contains(apiErr(t, body).Message, "branch keep has deletion protection enabled"))
	}
	_, err := c.DatabaseBranches.Get(ctx(t), &ps.GetDatabaseBranchRequest{Organization: e.Org(), Database: "app", Branch: "keep"})
	assert.NilError(t, err)

	status, body = call(t, e, http.MethodPatch, dbPath(e, "app")+"/branches/keep", map[string]any{"new_name": "kept"})
	assert.Equal(t, status, http.StatusNotImplemented, string(body))
	status, body = call(t, e, http.MethodPatch, dbPath(e, "app")+"/branches/keep", map[string]any{"deletion_protected": false})
	assert.Equal(t, status, http.StatusOK, string(body))
	assert.NilError(t, json.Unmarshal(body, &b))
	assert.Check(t, !b.DeletionProtected)
	status, body = call(t, e, http.MethodDelete, dbPath(e, "app")+"/branches/keep?delete_descendants=true", nil)
	assert.Equal(t, status, http.StatusNoContent, string(body))
}

// TestRestrictBranchRegion: with restrict_branch_region on, a branch in
// another region than the database's is refused.
func TestRestrictBranchRegion(t *testing.T) {
	t.Parallel()
	e := emulatortest.Start(t)
	status, body := call(t, e, http.MethodPost, dbPath(e, "app")+"/branches", map[string]any{"name": "far", "region": "eu-west"})
	assert.Equal(t, status, http.StatusCreated, string(body))
	status, _, body = patchDatabase(t, e, map[string]any{"restrict_branch_region": true})
	assert.Equal(t, status, http.StatusOK, string(body))
	status, body = call(t, e, http.MethodPost, dbPath(e, "app")+"/branches", map[string]any{"name": "farther", "region": "eu-west"})
	assert.Equal(t, status, http.StatusUnprocessableEntity, string(body))
	status, body = call(t, e, http.MethodPost, dbPath(e, "app")+"/branches", map[string]any{"name": "near", "region": emulator.DefaultRegion().Slug})
	assert.Equal(t, status, http.StatusCreated, string(body))
}

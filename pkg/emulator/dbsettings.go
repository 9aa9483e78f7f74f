package emulator

import (
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// databaseSettingsRequest is the body of PATCH /organizations/{organization}/databases/{database}:
// every property the spec lists, each applied or the request refused.
type databaseSettingsRequest struct {
	NewName                    *string `json:"new_name"`
	RequireApprovalForDeploy   *bool   `json:"require_approval_for_deploy"`
	AutomaticMigrations        *bool   `json:"automatic_migrations"`
	MigrationFramework         *string `json:"migration_framework"`
	MigrationTableName         *string `json:"migration_table_name"`
	RestrictBranchRegion       *bool   `json:"restrict_branch_region"`
	AllowDataBranching         *bool   `json:"allow_data_branching"`
	AllowForeignKeyConstraints *bool   `json:"allow_foreign_key_constraints"`
	InsightsRawQueries         *bool   `json:"insights_raw_queries"`
	DeletionProtected          *bool   `json:"deletion_protected"`
	ProductionBranchWebConsole *bool   `json:"production_branch_web_console"`
	DefaultBranch              *string `json:"default_branch"`
}

// databaseSettingNames are the JSON names of databaseSettingsRequest.
var databaseSettingNames = []string{"new_name", "require_approval_for_deploy", "automatic_migrations", "migration_framework",
	"migration_table_name", "restrict_branch_region", "allow_data_branching", "allow_foreign_key_constraints",
	"insights_raw_queries", "deletion_protected", "production_branch_web_console", "default_branch"}

// decodeDatabaseSettings reads a PATCH body; a property the spec does not list is refused
// (422 naming it), where PlanetScale's answer is not documented (docs/design/emulator.md).
func decodeDatabaseSettings(r *http.Request) (databaseSettingsRequest, error) {
	var req databaseSettingsRequest
	return req, decodeSettings(r, "database", databaseSettingNames, &req)
}

// decodeSettings reads a body of settings (kind names them in messages)
// into v, refusing with 422 a property that is not one of names.
func decodeSettings(r *http.Request, kind string, names []string, v any) error {
	var raw map[string]json.RawMessage
	if err := decodeBody(r, &raw); err != nil {
		return err
	}
	var unknown []string
	for k := range raw {
		if !slices.Contains(names, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return unprocessable("unknown %s setting %s: the settings are %s", kind, strings.Join(unknown, ", "), strings.Join(names, ", "))
	}
	data, _ := json.Marshal(raw) // raw came from JSON
	if err := json.Unmarshal(data, v); err != nil {
		return badRequest("invalid %s settings: %v", kind, err)
	}
	return nil
}

// check refuses what the database cannot take. The caller holds e.mu.
func (req databaseSettingsRequest) check(db *database) error {
	if req.NewName != nil && *req.NewName != db.name {
		// Renaming moves every URL of the database and its passwords'
		// database name; the emulator does not do it, and says so
		// rather than answer 200 unchanged.
		return newAPIError(http.StatusNotImplemented, "not_implemented",
			"psflow-emulator: renaming a database (new_name) is not emulated")
	}
	if req.DefaultBranch != nil {
		b := db.branches[*req.DefaultBranch]
		switch {
		case b == nil:
			return notFound("branch %s not found in database %s", *req.DefaultBranch, db.name)
		case !b.production:
			// Promoting a branch "lets it become the default branch"
			// (planetscale.com/docs/neki/promote-branch); for Vitess
			// databases it is not documented, so the emulator asks the
			// same: a development branch is never the default.
			return unprocessable("branch %s is not a production branch: only a production branch can be the default branch (promote it first)", b.name)
		}
	}
	return req.validateMigrationTable()
}

// apply sets every setting the request names. The caller holds e.mu and
// has checked the request.
func (req databaseSettingsRequest) apply(db *database) {
	set := func(dst *bool, v *bool) {
		if v != nil {
			*dst = *v
		}
	}
	set(&db.requireApproval, req.RequireApprovalForDeploy)
	set(&db.migrations.automatic, req.AutomaticMigrations)
	set(&db.settings.restrictRegion, req.RestrictBranchRegion)
	set(&db.settings.dataBranching, req.AllowDataBranching)
	set(&db.settings.foreignKeys, req.AllowForeignKeyConstraints)
	set(&db.settings.insightsRawQueries, req.InsightsRawQueries)
	set(&db.settings.deletionProtected, req.DeletionProtected)
	set(&db.settings.webConsole, req.ProductionBranchWebConsole)
	if req.MigrationFramework != nil {
		db.migrations.framework = *req.MigrationFramework
	}
	if req.MigrationTableName != nil {
		db.migrations.table = *req.MigrationTableName
	}
	if req.DefaultBranch != nil {
		db.settings.defaultBranch = *req.DefaultBranch
	}
}

func (e *Emulator) updateDatabaseSettings(w http.ResponseWriter, r *http.Request) error {
	req, err := decodeDatabaseSettings(r)
	if err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	db, err := e.pathDatabase(r)
	if err != nil {
		return err
	}
	if err := req.check(db); err != nil {
		return err
	}
	req.apply(db)
	db.updatedAt = time.Now()
	e.log.Info("database settings updated", "database", db.name, "default_branch", db.settings.defaultBranch,
		"allow_data_branching", db.settings.dataBranching, "allow_foreign_key_constraints", db.settings.foreignKeys,
		"automatic_migrations", db.migrations.automatic, "migration_table_name", db.migrations.table)
	writeJSON(w, http.StatusOK, e.databaseView(db))
	return nil
}

// maxIdentifier is MySQL's longest table name, in characters
// (dev.mysql.com/doc/refman/8.0/en/identifier-length.html).
const maxIdentifier = 64

// validateMigrationTable checks that a PATCH's migration_table_name is one MySQL could create;
// any framework passes, "" clears: the spec documents no values (docs/design/emulator.md).
func (req databaseSettingsRequest) validateMigrationTable() error {
	if req.MigrationTableName == nil || *req.MigrationTableName == "" {
		return nil
	}
	name := *req.MigrationTableName
	switch {
	case utf8.RuneCountInString(name) > maxIdentifier:
		return unprocessable("invalid migration_table_name %q: a table name has at most %d characters", name, maxIdentifier)
	case !utf8.ValidString(name), strings.ContainsRune(name, 0), strings.HasSuffix(name, " "):
		return unprocessable("invalid migration_table_name %q: not a valid MySQL table name", name)
	}
	return nil
}

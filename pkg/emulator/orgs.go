package emulator

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"time"
)

// orgView is an organization as the API returns it.
type orgView struct {
	ID                     string         `json:"id"`
	Name                   string         `json:"name"`
	BillingEmail           string         `json:"billing_email"`
	CreatedAt              string         `json:"created_at"`
	UpdatedAt              string         `json:"updated_at"`
	Plan                   string         `json:"plan"`
	ValidBillingInfo       bool           `json:"valid_billing_info"`
	SSO                    bool           `json:"sso"`
	SSODirectory           bool           `json:"sso_directory"`
	SingleTenancy          bool           `json:"single_tenancy"`
	ManagedTenancy         bool           `json:"managed_tenancy"`
	HasPastDueInvoices     bool           `json:"has_past_due_invoices"`
	DatabaseCount          int            `json:"database_count"`
	Features               map[string]any `json:"features"`
	IDPManagedRoles        bool           `json:"idp_managed_roles"`
	InvoiceBudgetAmount    string         `json:"invoice_budget_amount"`
	KeyspaceShardLimit     int            `json:"keyspace_shard_limit"`
	HasCard                bool           `json:"has_card"`
	PaymentInfoRequired    bool           `json:"payment_info_required"`
	FreeDatabasesRemaining int            `json:"free_databases_remaining"`
}

// orgView renders the organization. The caller holds e.mu.
func (e *Emulator) orgView() orgView {
	return orgView{
		ID: e.org.id, Name: e.org.name, BillingEmail: "billing@" + e.org.name + ".example",
		CreatedAt: apiTime(e.org.createdAt), UpdatedAt: apiTime(e.org.createdAt),
		Plan: "scaler_pro", ValidBillingInfo: true, DatabaseCount: len(e.dbs),
		Features: map[string]any{}, InvoiceBudgetAmount: "0.0", KeyspaceShardLimit: 32,
	}
}

// databaseView is a database as the API returns it.
type databaseView struct {
	ID                                string     `json:"id"`
	Name                              string     `json:"name"`
	URL                               string     `json:"url"`
	BranchesURL                       string     `json:"branches_url"`
	BranchesCount                     int        `json:"branches_count"`
	OpenSchemaRecommendationsCount    int        `json:"open_schema_recommendations_count"`
	DevelopmentBranchesCount          int        `json:"development_branches_count"`
	ProductionBranchesCount           int        `json:"production_branches_count"`
	IssuesCount                       int        `json:"issues_count"`
	MultipleAdminsRequiredForDeletion bool       `json:"multiple_admins_required_for_deletion"`
	Ready                             bool       `json:"ready"`
	AtBackupRestoreBranchesLimit      bool       `json:"at_backup_restore_branches_limit"`
	AtDevelopmentBranchUsageLimit     bool       `json:"at_development_branch_usage_limit"`
	Region                            regionView `json:"region"`
	HTMLURL                           string     `json:"html_url"`
	State                             string     `json:"state"`
	Sharded                           bool       `json:"sharded"`
	DefaultBranchShardCount           int        `json:"default_branch_shard_count"`
	DefaultBranchReadOnlyRegionsCount int        `json:"default_branch_read_only_regions_count"`
	DefaultBranchTableCount           int        `json:"default_branch_table_count"`
	DefaultBranch                     string     `json:"default_branch"`
	RequireApprovalForDeploy          bool       `json:"require_approval_for_deploy"`
	DeletionProtected                 bool       `json:"deletion_protected"`
	Resizing                          bool       `json:"resizing"`
	ResizeQueued                      bool       `json:"resize_queued"`
	ConfigChanging                    bool       `json:"config_changing"`
	ConfigChangeQueued                bool       `json:"config_change_queued"`
	AllowDataBranching                bool       `json:"allow_data_branching"`
	ForeignKeysEnabled                bool       `json:"foreign_keys_enabled"`
	AutomaticMigrations               *bool      `json:"automatic_migrations"`
	RestrictBranchRegion              bool       `json:"restrict_branch_region"`
	InsightsRawQueries                bool       `json:"insights_raw_queries"`
	Plan                              string     `json:"plan"`
	InsightsEnabled                   bool       `json:"insights_enabled"`
	ProductionBranchWebConsole        bool       `json:"production_branch_web_console"`
	MigrationTableName                *string    `json:"migration_table_name"`
	MigrationFramework                *string    `json:"migration_framework"`
	CreatedAt                         string     `json:"created_at"`
	UpdatedAt                         string     `json:"updated_at"`
	SchemaLastUpdatedAt               *string    `json:"schema_last_updated_at"`
	Kind                              string     `json:"kind"`
	Notes                             string     `json:"notes"`
}

// databaseView renders a database. The caller holds e.mu.
func (e *Emulator) databaseView(db *database) databaseView {
	automatic := db.migrations.automatic
	prod := 0
	for _, b := range db.branches {
		if b.production {
			prod++
		}
	}
	return databaseView{
		ID: db.id, Name: db.name,
		URL:           e.apiURL("/databases/" + db.name),
		BranchesURL:   e.apiURL("/databases/" + db.name + "/branches"),
		BranchesCount: len(db.branches), DevelopmentBranchesCount: len(db.branches) - prod, ProductionBranchesCount: prod,
		Ready: true, Region: defaultRegion(), HTMLURL: e.htmlURL("/" + db.name), State: "ready",
		DefaultBranchShardCount: 1, DefaultBranch: db.settings.defaultBranch,
		AllowDataBranching: db.settings.dataBranching, ForeignKeysEnabled: db.settings.foreignKeys,
		RestrictBranchRegion: db.settings.restrictRegion, InsightsRawQueries: db.settings.insightsRawQueries,
		DeletionProtected: db.settings.deletionProtected, ProductionBranchWebConsole: db.settings.webConsole,
		RequireApprovalForDeploy: db.requireApproval,
		AutomaticMigrations:      &automatic,
		MigrationTableName:       nullable(db.migrations.table), MigrationFramework: nullable(db.migrations.framework),
		Plan: "scaler_pro", CreatedAt: apiTime(db.createdAt), UpdatedAt: apiTime(db.updatedAt),
		// "When the default branch schema was last changed" (spec); null
		// until it first changes.
		SchemaLastUpdatedAt: apiTimePtr(db.schemaUpdatedAt),
		Kind:                "mysql",
	}
}

// createDatabase adds a database with its production branch main.
func (e *Emulator) createDatabase(ctx context.Context, name string) error {
	now := time.Now()
	e.mu.Lock()
	storageDB := e.nextStorageName()
	e.mu.Unlock()
	if err := e.store.CreateDatabase(ctx, storageDB); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	main := &branch{
		id: randomString(12), name: defaultBranch, production: true,
		safeMigrations: slices.Contains(e.cfg.SafeMigrations, defaultBranch),
		storageDB:      storageDB, clusterSize: "PS_10", createdAt: now, updatedAt: now, readyAt: now,
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.dbs[name] = &database{
		id: randomString(12), name: name, createdAt: now, updatedAt: now,
		branches: map[string]*branch{defaultBranch: main}, backups: map[string]*backup{},
		requireApproval: e.cfg.RequireApproval,
		settings:        databaseSettings{defaultBranch: defaultBranch, dataBranching: e.cfg.DataBranching},
	}
	return nil
}

func (e *Emulator) listOrganizations(w http.ResponseWriter, r *http.Request) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	writeJSON(w, http.StatusOK, paginate(r, []orgView{e.orgView()}))
	return nil
}

func (e *Emulator) getOrganization(w http.ResponseWriter, r *http.Request) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.checkOrg(r); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e.orgView())
	return nil
}

func (e *Emulator) listDatabases(w http.ResponseWriter, r *http.Request) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.checkOrg(r); err != nil {
		return err
	}
	names := make([]string, 0, len(e.dbs))
	for n := range e.dbs {
		if e.reachesDatabase(tokenOf(r), n) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	views := make([]databaseView, 0, len(names))
	for _, n := range names {
		views = append(views, e.databaseView(e.dbs[n]))
	}
	writeJSON(w, http.StatusOK, paginate(r, views))
	return nil
}

func (e *Emulator) getDatabase(w http.ResponseWriter, r *http.Request) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	db, err := e.pathDatabase(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e.databaseView(db))
	return nil
}

// checkOrg answers 404 unless the request path names the emulator's
// organization. The caller holds e.mu.
func (e *Emulator) checkOrg(r *http.Request) error {
	if org := r.PathValue("organization"); org != e.org.name {
		return notFound("organization %s not found", org)
	}
	return nil
}

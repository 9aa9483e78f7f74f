package emulator

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// routeAccesses are the service token accesses each endpoint accepts, any one
// of them enough: the spec's list, else the data's own (docs/design/emulator.md).
var routeAccesses = map[string][]string{
	// list_organizations names only an OAuth scope; pscale calls it with
	// any valid service token to check the token (planetscale/cli
	// internal/cmdutil/auth.go), so every token may.
	"GET /v1/organizations":          nil,
	"GET " + orgRoute:                {"read_organization"},
	"GET " + orgRoute + "/databases": databaseReaders,
	"GET " + dbRoute:                 databaseReaders,
	"PATCH " + dbRoute:               {"write_database"},
	// get_deploy_queue lists no access: those of the deploy requests.
	"GET " + dbRoute + "/deploy-queue":       {"read_deploy_request"},
	"GET " + drRoute + "/reviews":            {"read_deploy_request"},
	"POST " + drRoute + "/reviews":           {"approve_deploy_request", "review_deploy_request"},
	"GET " + dbRoute + "/branches":           branchReaders,
	"POST " + dbRoute + "/branches":          {"create_branch", "restore_production_branch_backup", "restore_backup"},
	"GET " + brRoute:                         branchReaders,
	"DELETE " + brRoute:                      {"delete_branch"},
	"PATCH " + brRoute:                       {"write_database"},
	"POST " + brRoute + "/promote":           {"connect_production_branch", "promote_branches"},
	"POST " + brRoute + "/safe-migrations":   safeMigrationsWriters,
	"DELETE " + brRoute + "/safe-migrations": safeMigrationsWriters,
	"GET " + brRoute + "/schema":             branchReaders,
	"GET " + brRoute + "/schema/lint":        branchReaders,
	// The branch diff (used by planetscale-go, not in the spec) reads the
	// branch's schema: as get_branch_schema.
	"GET " + brRoute + "/diff":              branchReaders,
	"GET " + brRoute + "/passwords":         passwordReaders,
	"POST " + brRoute + "/passwords":        passwordMakers,
	"GET " + brRoute + "/passwords/{id}":    passwordReaders,
	"DELETE " + brRoute + "/passwords/{id}": {"delete_production_branch_password", "delete_production_read_only_branch_password", "delete_branch_password"},
	// renew_password (in the official description, not in the subset).
	"POST " + brRoute + "/passwords/{id}/renew": passwordMakers,
	// The database's passwords (not in the spec): as list_passwords.
	"GET " + dbRoute + "/passwords":        passwordReaders,
	"GET " + brRoute + "/backups":          {"read_backups"},
	"POST " + brRoute + "/backups":         {"write_backups"},
	"GET " + brRoute + "/backups/{id}":     {"read_backups"},
	"DELETE " + brRoute + "/backups/{id}":  {"delete_backups", "delete_production_branch_backups"},
	"GET " + dbRoute + "/deploy-requests":  {"read_deploy_request"},
	"POST " + dbRoute + "/deploy-requests": {"create_deploy_request"},
	"GET " + drRoute:                       {"read_deploy_request"},
	"PATCH " + drRoute:                     {"create_deploy_request"},
	"POST " + drRoute + "/deploy":          {"create_deploy_request"},
	"POST " + drRoute + "/apply-deploy":    {"create_deploy_request"},
	"POST " + drRoute + "/skip-revert":     {"create_deploy_request"},
	"POST " + drRoute + "/complete-deploy": {"create_deploy_request"},
	"POST " + drRoute + "/revert":          {"create_deploy_request"},
	"POST " + drRoute + "/cancel":          {"create_deploy_request"},
	"PUT " + drRoute + "/auto-apply":       {"create_deploy_request"},
	"GET " + drRoute + "/deployment":       {"read_deploy_request"},
	"GET " + drRoute + "/operations":       {"read_deploy_request"},
	// The deploy request diff (used by planetscale-go, not in the spec):
	// as get_deploy_request.
	"GET " + drRoute + "/diff": {"read_deploy_request"},
}

// The access lists several endpoints share, as the spec gives them.
var (
	databaseReaders = []string{"read_database", "delete_database", "write_database", "read_branch", "delete_branch", "create_branch",
		"promote_branches", "demote_branches", "delete_production_branch", "connect_branch", "connect_production_branch",
		"connect_production_read_only_branch", "delete_branch_password", "delete_production_branch_password",
		"delete_production_read_only_branch_password", "read_deploy_request", "create_deploy_request", "approve_deploy_request",
		"read_comment", "create_comment", "restore_backup", "restore_production_branch_backup", "read_backups", "write_backups",
		"delete_backups", "delete_production_branch_backups", "write_branch_vschema", "write_production_branch_vschema"}
	branchReaders   = []string{"read_branch", "delete_branch", "create_branch", "connect_production_branch", "connect_branch"}
	passwordReaders = []string{"read_branch", "delete_branch", "create_branch", "connect_production_branch", "connect_production_read_only_branch", "connect_branch"}
	passwordMakers  = []string{"connect_production_branch", "connect_production_read_only_branch", "connect_branch"}
	// The safe-migrations endpoints list no access; they change a branch
	// setting, which update_branch guards with write_database.
	safeMigrationsWriters = []string{"write_database"}
)

// Accesses lists every service token access the emulator knows, sorted:
// what serve --token-access accepts.
func Accesses() []string {
	set := map[string]bool{"read_organization": true, "create_databases": true}
	for _, list := range routeAccesses {
		for _, a := range list {
			set[a] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// accessSet checks names against Accesses and returns them as a set.
func accessSet(names []string) (map[string]bool, error) {
	known := Accesses()
	set := map[string]bool{}
	for _, n := range names {
		if !slices.Contains(known, n) {
			return nil, fmt.Errorf("unknown service token access %q; known: %s", n, strings.Join(known, ", "))
		}
		set[n] = true
	}
	return set, nil
}

// permits reports whether the token may call the endpoint (a route pattern): a token
// without accesses set has all; an endpoint not in the table answers for itself.
func (e *Emulator) permits(tokenID, endpoint string) bool {
	granted, limited := e.accesses[tokenID]
	need, listed := routeAccesses[endpoint]
	if !limited || !listed || need == nil {
		return true
	}
	return slices.ContainsFunc(need, func(a string) bool { return granted[a] })
}

// missingAccess is the API's 404 not_found to a token without an endpoint's access, as
// pscale reads it (planetscale/cli internal/cmdutil/auth.go; docs/design/emulator.md).
func missingAccess() *apiError {
	return newAPIError(http.StatusNotFound, "not_found", "Not Found")
}

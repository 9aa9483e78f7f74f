package planetscale

import (
	"fmt"
	"strings"
)

// accessRoutes name the access each endpoint psflow calls needs, for a 404 that may mean
// it is missing (docs/design/client.md); paths are under /v1, {} is one segment.
var accessRoutes = []struct {
	method, path, access string
}{
	{"GET", "/organizations/{}/databases/{}", "read_database"},
	{"GET", "/organizations/{}/databases/{}/branches", "read_branch"},
	{"POST", "/organizations/{}/databases/{}/branches", "create_branch"},
	{"GET", "/organizations/{}/databases/{}/branches/{}", "read_branch"},
	{"DELETE", "/organizations/{}/databases/{}/branches/{}", "delete_branch"},
	{"GET", "/organizations/{}/databases/{}/branches/{}/schema", "read_branch"},
	{"GET", "/organizations/{}/databases/{}/branches/{}/schema/lint", "read_branch"},
	{"GET", "/organizations/{}/databases/{}/branches/{}/passwords", "read_branch"},
	{"POST", "/organizations/{}/databases/{}/branches/{}/passwords", "connect_branch (connect_production_branch for a production branch)"},
	{"GET", "/organizations/{}/databases/{}/branches/{}/passwords/{}", "read_branch"},
	{"DELETE", "/organizations/{}/databases/{}/branches/{}/passwords/{}", "delete_branch_password (delete_production_branch_password for a production branch)"},
	{"GET", "/organizations/{}/databases/{}/branches/{}/backups", "read_backups"},
	{"GET", "/organizations/{}/databases/{}/deploy-requests", "read_deploy_request"},
	{"POST", "/organizations/{}/databases/{}/deploy-requests", "create_deploy_request"},
	{"GET", "/organizations/{}/databases/{}/deploy-requests/{}", "read_deploy_request"},
	{"PATCH", "/organizations/{}/databases/{}/deploy-requests/{}", "create_deploy_request"},
	{"GET", "/organizations/{}/databases/{}/deploy-requests/{}/*", "read_deploy_request"},
	// psflow only comments (state "commented"), which review_deploy_request
	// allows; approve_deploy_request also would, but grants approvals.
	{"POST", "/organizations/{}/databases/{}/deploy-requests/{}/reviews", "review_deploy_request"},
	{"POST", "/organizations/{}/databases/{}/deploy-requests/{}/*", "create_deploy_request"},
	{"GET", "/organizations/{}/databases/{}/deploy-queue", "read_deploy_request"},
}

// AccessFor is the token access to grant for a request the API answered 404 (method and path,
// /v1/… or a base path before it) and the database it names; "" for an endpoint psflow never calls.
func AccessFor(method, path string) (access, database string) {
	_, rest, ok := strings.Cut(path, "/v1/")
	if !ok {
		return "", ""
	}
	segs := strings.Split(strings.Trim(rest, "/"), "/")
	for _, r := range accessRoutes {
		if r.method == method && matchRoute(strings.Split(strings.Trim(r.path, "/"), "/"), segs) {
			return r.access, segs[3]
		}
	}
	return "", ""
}

// matchRoute matches path segments against a route's: {} is any one segment, a final * any
// one segment that no other route of the method names.
func matchRoute(route, segs []string) bool {
	if len(route) != len(segs) {
		return false
	}
	for i, r := range route {
		if r != "{}" && r != "*" && r != segs[i] {
			return false
		}
	}
	return true
}

// accessHint tells how to grant an access on a database.
func accessHint(access, database string) string {
	name, _, _ := strings.Cut(access, " ")
	return fmt.Sprintf("if it exists, the service token may lack the %s access: grant it on database %s (pscale service-token add-access <SERVICE_TOKEN_ID> %s --database %s)",
		access, database, name, database)
}

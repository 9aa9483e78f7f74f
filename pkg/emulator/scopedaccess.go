package emulator

import (
	"net/http"
	"slices"
	"strings"
)

// The spec gives each endpoint one list of accesses, any of which lets a
// token call it; some requests need a narrower one, which the request's
// body or target decides. Those checks are here.

// granted reports whether the token of r has one of the accesses. A token
// without TokenAccesses has them all.
func (e *Emulator) granted(r *http.Request, any ...string) bool {
	set, limited := e.accesses[tokenOf(r)]
	return !limited || slices.ContainsFunc(any, func(a string) bool { return set[a] })
}

// lacksAccess is the 403 forbidden, naming the access, to a token that may call an endpoint but
// not for this request; PlanetScale's answer is not documented (docs/design/emulator.md).
func lacksAccess(what string, need ...string) *apiError {
	return newAPIError(http.StatusForbidden, "forbidden",
		"the service token may not %s: it needs the %s access", what, strings.Join(need, " or "))
}

// restoreAccess is the access to restore a backup of b: restore_production_branch_backup for a
// production branch, else restore_backup; not documented (docs/design/emulator.md).
func restoreAccess(b *branch) string {
	if b.production {
		return "restore_production_branch_backup"
	}
	return "restore_backup"
}

// passwordAccesses are the accesses to create a password of role on b, split by branch kind;
// spec create_password does not say which covers which (docs/design/emulator.md).
func passwordAccesses(b *branch, role string) []string {
	switch {
	case !b.production:
		return []string{"connect_branch"}
	case role == "reader":
		return []string{"connect_production_branch", "connect_production_read_only_branch"}
	default:
		return []string{"connect_production_branch"}
	}
}

// branchKind is "production" or "development", for messages.
func branchKind(b *branch) string {
	if b.production {
		return "production"
	}
	return "development"
}

// deletePasswordAccesses are the accesses to delete a password of b, split by branch
// kind as passwordAccesses is (spec delete_password).
func deletePasswordAccesses(b *branch, role string) []string {
	switch {
	case !b.production:
		return []string{"delete_branch_password"}
	case role == "reader":
		return []string{"delete_production_branch_password", "delete_production_read_only_branch_password"}
	default:
		return []string{"delete_production_branch_password"}
	}
}

// reachesDatabase reports whether a token may reach database name; one limited
// to some databases (Config.TokenDatabases) has no access to the others.
func (e *Emulator) reachesDatabase(tokenID, name string) bool {
	dbs, limited := e.tokenDBs[tokenID]
	return !limited || dbs[name]
}

// reaches reports whether a token may reach the database a request path names; one that
// may not gets 404 not_found, as for a missing database (docs/design/emulator.md).
func (e *Emulator) reaches(tokenID, path string) bool {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	if len(segs) < 5 || segs[0] != "v1" || segs[1] != "organizations" || segs[3] != "databases" {
		return true
	}
	return e.reachesDatabase(tokenID, segs[4])
}

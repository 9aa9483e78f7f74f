package emulator

import (
	"net/http"
	"time"
)

// deletionProtectedError refuses to delete a branch whose deletion
// protection is on: "Deletion protection blocks anyone from deleting a
// database or branch until an administrator turns protection off"
// (planetscale.com/docs/security/deletion-protection). The status and
// message PlanetScale answers with are not documented; the emulator
// answers 422 unprocessable, the API's answer to a request it understood
// but refuses, naming the way out, and deletes nothing.
func deletionProtectedError(b *branch) error {
	if !b.deletionProtected {
		return nil
	}
	return unprocessable("branch %s has deletion protection enabled: turn it off first "+
		"(PATCH .../branches/%s {\"deletion_protected\": false}; pscale branch update --deletion-protected=false)", b.name, b.name)
}

// updateBranchRequest is the body of PATCH .../branches/{branch} (spec
// operation update_branch): new_name and deletion_protected.
type updateBranchRequest struct {
	NewName           *string `json:"new_name"`
	DeletionProtected *bool   `json:"deletion_protected"`
}

// updateBranchSettings serves update_branch. deletion_protected is
// applied ("Enable Prevent branch deletion when you create a branch, or
// later from the branch page … with the Update a branch API
// (deletion_protected)", planetscale.com/docs/security/
// deletion-protection). A rename is not emulated and says so (501)
// rather than answer 200 unchanged; a property the spec does not list is
// refused (422), as for the database's settings.
func (e *Emulator) updateBranchSettings(w http.ResponseWriter, r *http.Request) error {
	var req updateBranchRequest
	if err := decodeSettings(r, "branch", []string{"new_name", "deletion_protected"}, &req); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	db, b, err := e.pathBranch(r)
	if err != nil {
		return err
	}
	if req.NewName != nil && *req.NewName != b.name {
		return newAPIError(http.StatusNotImplemented, "not_implemented",
			"psflow-emulator: renaming a branch (new_name) is not emulated")
	}
	now := time.Now()
	if req.DeletionProtected != nil {
		b.deletionProtected = *req.DeletionProtected
		b.updatedAt = now
	}
	writeJSON(w, http.StatusOK, e.branchView(db, b, now))
	return nil
}

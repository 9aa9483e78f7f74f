package emulator

import (
	"net/http"
	"time"
)

// deletionProtectedError refuses to delete a protected branch with 422, naming the way out;
// PlanetScale's answer is not documented (planetscale.com/docs/security/deletion-protection).
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

// updateBranchSettings serves update_branch: deletion_protected is applied, a rename is
// not emulated (501), an unlisted property is refused (422; docs/design/emulator.md).
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

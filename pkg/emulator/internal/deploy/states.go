// Package deploy is the emulator's model of PlanetScale deploy requests,
// without HTTP or MySQL; docs/design/emulator-deploy.md is its record.
package deploy

import "slices"

// Deployment states, as the spec's deployment.state enum names them
// (GET /organizations/{organization}/databases/{database}/deploy-queue).
const (
	Pending               = "pending"
	Ready                 = "ready"
	NoChanges             = "no_changes"
	Queued                = "queued"
	Submitting            = "submitting"
	InProgress            = "in_progress"
	PendingCutover        = "pending_cutover"
	InProgressCutover     = "in_progress_cutover"
	CompletePendingRevert = "complete_pending_revert"
	Complete              = "complete"
	CompleteError         = "complete_error"
	InProgressRevert      = "in_progress_revert"
	CompleteRevert        = "complete_revert"
	CompleteRevertError   = "complete_revert_error"
	InProgressCancel      = "in_progress_cancel"
	CompleteCancel        = "complete_cancel"
	Error                 = "error"
)

// Deploying reports whether a deployment is queued or under way, so its
// deploy request cannot be closed.
func Deploying(state string) bool {
	return state == Queued || Running(state) && state != CompletePendingRevert
}

// Running reports whether a deployment holds its deploy queue: from its start until it ends,
// gated or in its revert window included (docs/design/emulator-deploy.md).
func Running(state string) bool {
	return slices.Contains([]string{
		Submitting, InProgress, PendingCutover, InProgressCutover,
		CompletePendingRevert, InProgressRevert, InProgressCancel,
	}, state)
}

// Cancellable reports whether a deployment can still be cancelled: until its cutover starts
// (spec POST .../deploy-requests/{number}/cancel, "Cancel a queued deploy request").
func Cancellable(state string) bool {
	return slices.Contains([]string{Queued, Submitting, InProgress, PendingCutover}, state)
}

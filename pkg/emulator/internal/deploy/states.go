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

// Running reports whether a deployment holds its deploy queue: from the
// moment it leaves the queue until it is complete, errored, cancelled or
// reverted. A gated deployment holds it ("An open gated deployment holds
// the serial deploy queue until you apply (or cancel) it",
// planetscale.com/docs/vitess/schema-changes/deploy-requests), and so does
// one in its revert window: pscale tells the user "You can skip the revert
// to unblock the deploy queue" (planetscale/cli
// internal/cmd/deployrequest/deploy.go).
func Running(state string) bool {
	return slices.Contains([]string{
		Submitting, InProgress, PendingCutover, InProgressCutover,
		CompletePendingRevert, InProgressRevert, InProgressCancel,
	}, state)
}

// Cancellable reports whether a deployment can still be cancelled: until
// its cutover starts (spec: POST .../deploy-requests/{number}/cancel,
// "Cancel a queued deploy request").
func Cancellable(state string) bool {
	return slices.Contains([]string{Queued, Submitting, InProgress, PendingCutover}, state)
}

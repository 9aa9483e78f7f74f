package planetscale

import "slices"

// Deployment states of a deploy request, as the API names them
// (deployment_state; planetscale-go DeployRequest.DeploymentState).
const (
	StatePending               = "pending"
	StateReady                 = "ready"
	StateNoChanges             = "no_changes"
	StateQueued                = "queued"
	StatePendingCutover        = "pending_cutover"
	StateCompletePendingRevert = "complete_pending_revert"
	StateComplete              = "complete"
)

// failedStates end a deployment without its changes.
var failedStates = []string{"error", "complete_error", "cancelled", "complete_cancel", "complete_revert", "complete_revert_error"}

// cancellableStates are the states a deployment can be cancelled in.
var cancellableStates = []string{StateQueued, "submitting", "in_progress", StatePendingCutover}

// FailedState reports whether a deployment state ends the deployment
// without its changes: an error, a cancel or a revert.
func FailedState(state string) bool { return slices.Contains(failedStates, state) }

// CancellableState reports whether a deployment in state can be
// cancelled.
func CancellableState(state string) bool { return slices.Contains(cancellableStates, state) }

// deployingStates are the states of a deployment that is queued or under
// way.
var deployingStates = []string{StateQueued, "submitting", "in_progress", StatePendingCutover, "in_progress_cutover", "in_progress_revert", "in_progress_cancel"}

// Deploying reports whether a deployment state is queued or under way:
// its deploy request is deploying and its branch must stay.
func Deploying(state string) bool { return slices.Contains(deployingStates, state) }

// blockingStates end a deployment that holds its deploy queue until it is
// unblocked: "When a Vitess deploy or revert fails, PlanetScale blocks the
// deploy queue" (spec operation complete_errored_deploy; planetscale/cli
// pull request 1351).
var blockingStates = []string{"complete_error", "complete_revert_error"}

// BlockingState reports whether a deployment in state blocks its deploy
// queue until POST …/complete-deploy.
func BlockingState(state string) bool { return slices.Contains(blockingStates, state) }

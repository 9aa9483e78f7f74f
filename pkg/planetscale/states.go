package planetscale

import "slices"

// Deployment states of a deploy request, as the API names them
// (deployment_state; planetscale-go DeployRequest.DeploymentState).
const (
	StatePending               = "pending"
	StateReady                 = "ready"
	StateNoChanges             = "no_changes"
	StateError                 = "error"
	StateQueued                = "queued"
	StateSubmitting            = "submitting"
	StateInProgress            = "in_progress"
	StatePendingCutover        = "pending_cutover"
	StateInProgressCutover     = "in_progress_cutover"
	StateCompletePendingRevert = "complete_pending_revert"
	StateComplete              = "complete"
	StateCompleteError         = "complete_error"
	StateCancelled             = "cancelled"
	StateInProgressCancel      = "in_progress_cancel"
	StateCompleteCancel        = "complete_cancel"
	StateInProgressRevert      = "in_progress_revert"
	StateCompleteRevert        = "complete_revert"
	StateCompleteRevertError   = "complete_revert_error"
)

// States of a deploy request itself (its state field).
const (
	RequestOpen   = "open"
	RequestClosed = "closed"
)

// failedStates end a deployment without its changes.
var failedStates = []string{StateError, StateCompleteError, StateCancelled, StateCompleteCancel, StateCompleteRevert, StateCompleteRevertError}

// cancellableStates are the states a deployment can be cancelled in.
var cancellableStates = []string{StateQueued, StateSubmitting, StateInProgress, StatePendingCutover}

// FailedState reports whether a deployment state ends the deployment
// without its changes: an error, a cancel or a revert.
func FailedState(state string) bool { return slices.Contains(failedStates, state) }

// CancellableState reports whether a deployment in state can be
// cancelled.
func CancellableState(state string) bool { return slices.Contains(cancellableStates, state) }

// deployingStates are the states of a deployment that is queued or under
// way.
var deployingStates = []string{StateQueued, StateSubmitting, StateInProgress, StatePendingCutover, StateInProgressCutover, StateInProgressRevert, StateInProgressCancel}

// Deploying reports whether a deployment state is queued or under way:
// its deploy request is deploying and its branch must stay.
func Deploying(state string) bool { return slices.Contains(deployingStates, state) }

// blockingStates end a deployment that holds its deploy queue until it is
// unblocked (spec operation complete_errored_deploy; planetscale/cli#1351).
var blockingStates = []string{StateCompleteError, StateCompleteRevertError}

// BlockingState reports whether a deployment in state blocks its deploy
// queue until POST …/complete-deploy.
func BlockingState(state string) bool { return slices.Contains(blockingStates, state) }

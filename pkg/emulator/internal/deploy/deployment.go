package deploy

import (
	"fmt"
	"time"
)

// Deployment is the lifecycle of a deploy request's one deployment: its
// state, every state it went through and when, and what its queue reads.
type Deployment struct {
	State   string      // the deployment state
	History []string    // every state, in order
	Times   []time.Time // when each state of History began
	Gen     int         // bumped by every Enter; a stale scheduled step compares it

	Due      bool // queued and past the emulated queue time
	Starting bool // at the head of its queue, being checked once more
	// Completed: complete-deploy was called on it after it failed, so it
	// blocks its queue no more (Entry.Blocking).
	Completed bool

	QueuedAt, SubmittedAt, StartedAt time.Time
	ReadyToCutoverAt, CutoverAt      time.Time
	DeployedAt, FinishedAt           time.Time
}

// Enter moves d to state at now and records it. It reports whether the
// deploy request closes now, as one does once its changes are deployed.
func (d *Deployment) Enter(state string, now time.Time) (closes bool) {
	d.State = state
	d.History = append(d.History, state)
	d.Times = append(d.Times, now)
	d.Gen++
	switch state {
	case Queued:
		d.QueuedAt, d.Due = now, false
	case Submitting:
		d.SubmittedAt, d.Starting = now, false
	case InProgress:
		d.StartedAt = now
	case PendingCutover:
		d.ReadyToCutoverAt = now
	case InProgressCutover:
		d.CutoverAt = now
		if d.ReadyToCutoverAt.IsZero() {
			d.ReadyToCutoverAt = now
		}
	case CompletePendingRevert:
		d.DeployedAt, d.FinishedAt = now, now
		return true
	case Complete, CompleteError, CompleteRevert, CompleteRevertError, CompleteCancel:
		d.FinishedAt, d.Starting = now, false
		if state == Complete && d.DeployedAt.IsZero() {
			d.DeployedAt = now
			return true
		}
	}
	return false
}

// Finished reports whether a deployment has ended: nothing more runs.
func Finished(state string) bool {
	switch state {
	case Complete, CompleteError, CompleteRevert, CompleteRevertError, CompleteCancel:
		return true
	}
	return false
}

// AffectsOthers reports whether a move has just changed the target (cutover, revert) or left the
// queue without doing so (cancelled, failed); only a revert window's end does neither.
func AffectsOthers(from, to string) bool {
	switch to {
	case CompletePendingRevert, CompleteError, CompleteRevert, CompleteRevertError, CompleteCancel:
		return true
	case Complete:
		return from != CompletePendingRevert
	}
	return false
}

// Entry is the deployment as its queue sees it: one whose start is under
// way counts as running.
func (d *Deployment) Entry(number uint64) Entry {
	state := d.State
	if d.Starting {
		state = Submitting
	}
	return Entry{Number: number, State: state, QueuedAt: d.QueuedAt, Due: d.Due, Completed: d.Completed}
}

// Step is what moves a deployment on from its state by itself.
type Step int

// The steps of Next.
const (
	Wait      Step = iota // nothing: a call moves it on
	Diff                  // pending: its diff is computed
	QueueTime             // queued: it spends the queue time
	Move                  // it moves to the next state after a while
	Cutover               // in_progress_cutover: its plan is applied
	Revert                // in_progress_revert: its changes are undone
)

// Next is the step that moves a deployment on from state by itself and, for Move, its next
// state; an ungated one (auto-applied or instant) cuts over without apply-deploy.
func Next(state string, ungated bool) (Step, string) {
	switch state {
	case Pending:
		return Diff, ""
	case Queued:
		return QueueTime, ""
	case Submitting:
		return Move, InProgress
	case InProgress:
		if ungated {
			return Move, InProgressCutover
		}
		return Move, PendingCutover
	case InProgressCutover:
		return Cutover, ""
	case CompletePendingRevert:
		return Move, Complete
	case InProgressRevert:
		return Revert, ""
	case InProgressCancel:
		return Move, CompleteCancel
	}
	return Wait, ""
}

// Action is a call that moves a deployment from the states it allows to
// another.
type Action struct {
	Verb    string // how a refusal names it
	Allowed func(state string) bool
	To      string
}

// The deployment actions of the API.
var (
	Apply      = Action{"apply", stateIs(PendingCutover), InProgressCutover}
	SkipRevert = Action{"skip the revert of", stateIs(CompletePendingRevert), Complete}
	RevertIt   = Action{"revert", stateIs(CompletePendingRevert), InProgressRevert}
	Cancel     = Action{"cancel", Cancellable, InProgressCancel}
)

// stateIs returns a predicate matching one state.
func stateIs(want string) func(string) bool { return func(s string) bool { return s == want } }

// Check says why deploy request number, in state, refuses a, or nil.
func (a Action) Check(number uint64, state string) error {
	if a.Allowed(state) {
		return nil
	}
	why := ""
	if state == Complete {
		why = "; its revert window has closed"
	}
	return fmt.Errorf("cannot %s deploy request #%d in state %s%s", a.Verb, number, state, why)
}

// CheckComplete says why complete-deploy does not apply to deploy request number in state, or
// nil: only a failed deploy or revert blocks its queue (Entry.Blocking).
func CheckComplete(number uint64, state string) error {
	switch state {
	case CompleteError, CompleteRevertError:
		return nil
	case PendingCutover:
		return fmt.Errorf("deploy request #%d is waiting for its cutover, not blocked by an error: "+
			"apply it (POST .../deploy-requests/%d/apply-deploy)", number, number)
	}
	return fmt.Errorf("deploy request #%d is in state %s: only a deploy in complete_error or "+
		"complete_revert_error blocks the deploy queue and can be completed", number, state)
}

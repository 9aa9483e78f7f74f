package emulator

import (
	"fmt"
	"sort"
	"time"

	"github.com/psflow/psflow/pkg/emulator/internal/deploy"
)

// Timings says how long each asynchronous step of the emulated service takes; with a zero
// duration the state changes still happen in order, at once.
type Timings struct {
	// BranchReady is the time from branch creation until ready is true.
	BranchReady time.Duration `json:"branch_ready"`
	// BackupReady is the time from backup creation until its state is success.
	BackupReady time.Duration `json:"backup_ready"`
	// DiffReady is the time a new deploy request stays pending before its
	// diff is known (ready or no_changes).
	DiffReady time.Duration `json:"diff_ready"`
	// Queue is the time a deployment stays queued.
	Queue time.Duration `json:"queue"`
	// Submit is the time a deployment stays submitting.
	Submit time.Duration `json:"submit"`
	// InProgress is the time a deployment stays in_progress before it is
	// ready to cut over.
	InProgress time.Duration `json:"in_progress"`
	// Cutover is the time a deployment stays in_progress_cutover.
	Cutover time.Duration `json:"cutover"`
	// RevertWindow is how long a deployed change can still be reverted
	// (complete_pending_revert) before it becomes complete.
	RevertWindow time.Duration `json:"revert_window"`
	// Revert is the time a revert stays in_progress_revert.
	Revert time.Duration `json:"revert"`
	// Cancel is the time a cancellation stays in_progress_cancel.
	Cancel time.Duration `json:"cancel"`
}

// Profile names accepted by ProfileTimings.
const (
	ProfileZero      = "zero"
	ProfileFast      = "fast"
	ProfileRealistic = "realistic"
)

var profiles = map[string]Timings{
	ProfileZero: {},
	ProfileFast: {
		BranchReady:  200 * time.Millisecond,
		BackupReady:  100 * time.Millisecond,
		DiffReady:    100 * time.Millisecond,
		Queue:        50 * time.Millisecond,
		Submit:       50 * time.Millisecond,
		InProgress:   100 * time.Millisecond,
		Cutover:      50 * time.Millisecond,
		RevertWindow: time.Second,
		Revert:       100 * time.Millisecond,
		Cancel:       50 * time.Millisecond,
	},
	ProfileRealistic: {
		BranchReady:  45 * time.Second,
		BackupReady:  2 * time.Minute,
		DiffReady:    10 * time.Second,
		Queue:        5 * time.Second,
		Submit:       15 * time.Second,
		InProgress:   40 * time.Second,
		Cutover:      10 * time.Second,
		RevertWindow: 30 * time.Minute,
		Revert:       20 * time.Second,
		Cancel:       10 * time.Second,
	},
}

// ProfileTimings returns a named profile's timings: "zero" (every step at once), "fast" (tens to
// hundreds of ms, 1s revert window), "realistic" (like the real service, 30 minute revert window).
func ProfileTimings(name string) (Timings, error) {
	t, ok := profiles[name]
	if !ok {
		return Timings{}, fmt.Errorf("unknown timing profile %q (want one of %v)", name, ProfileNames())
	}
	return t, nil
}

// ProfileNames lists the timing profiles, sorted.
func ProfileNames() []string {
	names := make([]string, 0, len(profiles))
	for n := range profiles {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Scale returns t with every duration multiplied by f; f <= 0 leaves t as
// it is.
func (t Timings) Scale(f float64) Timings {
	if f <= 0 || f == 1 {
		return t
	}
	m := func(d time.Duration) time.Duration { return time.Duration(float64(d) * f) }
	return Timings{
		BranchReady:  m(t.BranchReady),
		BackupReady:  m(t.BackupReady),
		DiffReady:    m(t.DiffReady),
		Queue:        m(t.Queue),
		Submit:       m(t.Submit),
		InProgress:   m(t.InProgress),
		Cutover:      m(t.Cutover),
		RevertWindow: m(t.RevertWindow),
		Revert:       m(t.Revert),
		Cancel:       m(t.Cancel),
	}
}

// inState is how long a deployment stays in state before it moves on by
// itself.
func (t Timings) inState(state string) time.Duration {
	switch state {
	case deploy.Pending:
		return t.DiffReady
	case deploy.Queued:
		return t.Queue
	case deploy.Submitting:
		return t.Submit
	case deploy.InProgress:
		return t.InProgress
	case deploy.InProgressCutover:
		return t.Cutover
	case deploy.CompletePendingRevert:
		return t.RevertWindow
	case deploy.InProgressRevert:
		return t.Revert
	case deploy.InProgressCancel:
		return t.Cancel
	}
	return 0
}

package deploy

import (
	"testing"
	"time"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

func TestDeploymentEnter(t *testing.T) {
	t.Parallel()
	var d Deployment
	start := time.Unix(1000, 0)
	states := []string{Queued, Submitting, InProgress, PendingCutover, InProgressCutover, CompletePendingRevert, Complete}
	var closed []string
	for i, s := range states {
		if d.Enter(s, start.Add(time.Duration(i)*time.Second)) {
			closed = append(closed, s)
		}
	}
	assert.DeepEqual(t, d.History, states)
	assert.Equal(t, d.Gen, len(states))
	assert.Check(t, is.DeepEqual(closed, []string{CompletePendingRevert}), "a request closes once, when deployed")
	assert.Equal(t, d.DeployedAt, start.Add(5*time.Second))
	assert.Equal(t, d.FinishedAt, start.Add(6*time.Second))
	assert.Equal(t, d.CutoverAt, start.Add(4*time.Second))
	assert.Check(t, AffectsOthers(InProgressCutover, CompletePendingRevert))
	assert.Check(t, !AffectsOthers(CompletePendingRevert, Complete), "the end of a revert window changes nothing")
}

func TestDeploymentNext(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		state   string
		ungated bool
		step    Step
		next    string
	}{
		{Pending, false, Diff, ""},
		{Queued, false, QueueTime, ""},
		{InProgress, false, Move, PendingCutover},
		{InProgress, true, Move, InProgressCutover},
		{PendingCutover, false, Wait, ""},
		{InProgressCutover, false, Cutover, ""},
		{CompletePendingRevert, false, Move, Complete},
		{InProgressRevert, false, Revert, ""},
		{InProgressCancel, false, Move, CompleteCancel},
	} {
		step, next := Next(c.state, c.ungated)
		assert.Check(t, is.Equal(step, c.step), c.state)
		assert.Check(t, is.Equal(next, c.next), c.state)
	}
}

func TestActionCheck(t *testing.T) {
	t.Parallel()
	assert.NilError(t, Apply.Check(3, PendingCutover))
	assert.Error(t, SkipRevert.Check(3, Complete), "cannot skip the revert of deploy request #3 in state complete; its revert window has closed")
	assert.Error(t, Cancel.Check(3, InProgressCutover), "cannot cancel deploy request #3 in state in_progress_cutover")
	assert.NilError(t, CheckComplete(3, CompleteRevertError))
	assert.ErrorContains(t, CheckComplete(3, Ready), "only a deploy in complete_error or complete_revert_error")
}

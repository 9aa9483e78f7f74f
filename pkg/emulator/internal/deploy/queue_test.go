package deploy

import (
	"testing"
	"time"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

func numbers(es []Entry) []uint64 {
	out := []uint64{}
	for _, e := range es {
		out = append(out, e.Number)
	}
	return out
}

func TestQueue(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	for _, tc := range []struct {
		name      string
		q         Queue
		order     []uint64
		next      uint64 // 0: nothing may start
		aheadOf   uint64
		wantAhead []uint64
	}{
		{
			name:  "empty",
			order: []uint64{},
		},
		{
			name: "first come first served, not by number",
			q: Queue{
				{Number: 1, State: Queued, QueuedAt: at(2), Due: true},
				{Number: 2, State: Queued, QueuedAt: at(1), Due: true},
				{Number: 3, State: Ready},
			},
			order: []uint64{2, 1}, next: 2, aheadOf: 1, wantAhead: []uint64{2},
		},
		{
			name: "a running deployment holds the queue",
			q: Queue{
				{Number: 1, State: Queued, QueuedAt: at(0), Due: true},
				{Number: 2, State: InProgress, QueuedAt: at(5)},
				{Number: 3, State: Queued, QueuedAt: at(1), Due: true},
			},
			order: []uint64{2, 1, 3}, aheadOf: 3, wantAhead: []uint64{2, 1},
		},
		{
			name: "a deploy in its revert window holds the queue",
			q: Queue{
				{Number: 1, State: CompletePendingRevert, QueuedAt: at(0)},
				{Number: 2, State: Queued, QueuedAt: at(1), Due: true},
			},
			order: []uint64{1, 2}, aheadOf: 2, wantAhead: []uint64{1},
		},
		{
			name: "finished deployments leave the queue",
			q: Queue{
				{Number: 1, State: Complete, QueuedAt: at(0)},
				{Number: 2, State: CompleteCancel, QueuedAt: at(1)},
				{Number: 3, State: CompleteRevert, QueuedAt: at(2)},
				{Number: 4, State: Queued, QueuedAt: at(3), Due: true},
			},
			order: []uint64{4}, next: 4, aheadOf: 4, wantAhead: []uint64{},
		},
		{
			name: "a failed deploy blocks the queue until complete-deploy",
			q: Queue{
				{Number: 1, State: CompleteError, QueuedAt: at(0)},
				{Number: 2, State: Queued, QueuedAt: at(1), Due: true},
				{Number: 3, State: Queued, QueuedAt: at(2), Due: true},
			},
			order: []uint64{1, 2, 3}, aheadOf: 3, wantAhead: []uint64{1, 2},
		},
		{
			name: "a failed revert blocks the queue until complete-deploy",
			q: Queue{
				{Number: 1, State: CompleteRevertError, QueuedAt: at(0)},
				{Number: 2, State: Queued, QueuedAt: at(1), Due: true},
			},
			order: []uint64{1, 2}, aheadOf: 2, wantAhead: []uint64{1},
		},
		{
			name: "a completed failure leaves the queue",
			q: Queue{
				{Number: 1, State: CompleteError, QueuedAt: at(0), Completed: true},
				{Number: 2, State: CompleteRevertError, QueuedAt: at(1), Completed: true},
				{Number: 3, State: Queued, QueuedAt: at(2), Due: true},
			},
			order: []uint64{3}, next: 3, aheadOf: 3, wantAhead: []uint64{},
		},
		{
			name: "a request that failed its checks blocks nothing",
			q: Queue{
				{Number: 1, State: Error},
				{Number: 2, State: Queued, QueuedAt: at(1), Due: true},
			},
			order: []uint64{2}, next: 2, aheadOf: 2, wantAhead: []uint64{},
		},
		{
			name: "the head waits until it is due",
			q: Queue{
				{Number: 1, State: Queued, QueuedAt: at(0)},
				{Number: 2, State: Queued, QueuedAt: at(1), Due: true},
			},
			order: []uint64{1, 2},
		},
		{
			name:  "a deployment not queued has nothing ahead",
			q:     Queue{{Number: 1, State: InProgress}, {Number: 2, State: Ready}},
			order: []uint64{1}, aheadOf: 2, wantAhead: []uint64{},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.DeepEqual(t, numbers(tc.q.Order()), tc.order)
			n, ok := tc.q.Next()
			assert.Equal(t, ok, tc.next != 0)
			assert.Equal(t, n, tc.next)
			if tc.aheadOf != 0 {
				assert.DeepEqual(t, numbers(tc.q.Ahead(tc.aheadOf)), tc.wantAhead)
			}
		})
	}
}

func TestStates(t *testing.T) {
	t.Parallel()
	for _, s := range []string{Queued, Submitting, InProgress, PendingCutover, InProgressCutover, InProgressRevert, InProgressCancel} {
		assert.Assert(t, Deploying(s), s)
	}
	for _, s := range []string{Pending, Ready, NoChanges, CompletePendingRevert, Complete, CompleteError, CompleteRevert, CompleteCancel, Error} {
		assert.Assert(t, !Deploying(s), s)
	}
	assert.Assert(t, Running(CompletePendingRevert))
	assert.Assert(t, !Running(Queued))
	assert.Assert(t, Cancellable(PendingCutover))
	assert.Assert(t, is.Equal(Cancellable(InProgressCutover), false))
}

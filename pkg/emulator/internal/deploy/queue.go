package deploy

import (
	"slices"
	"time"
)

// Entry is one deployment as the deploy queue of its target branch sees
// it.
type Entry struct {
	Number   uint64
	State    string
	QueuedAt time.Time
	// Due reports that a queued deployment has spent the emulated queue
	// time and may start when it reaches the head.
	Due bool
	// Completed reports that complete-deploy was called on a failed
	// deployment, so it holds its queue no more (Blocking).
	Completed bool
}

// Blocking reports whether a failed deploy or revert blocks its queue until complete-deploy
// (spec complete_errored_deploy; docs/design/emulator-deploy.md).
func (e Entry) Blocking() bool {
	return (e.State == CompleteError || e.State == CompleteRevertError) && !e.Completed
}

// holds reports whether a deployment holds its queue: it runs, or it
// failed and blocks it.
func (e Entry) holds() bool { return Running(e.State) || e.Blocking() }

// Queue is the serial, first come first served deploy queue of one target branch
// (planetscale.com/docs/vitess/schema-changes/deploy-requests).
type Queue []Entry

// Order returns the queue as GET /deploy-queue lists it: the deployment holding it (running, or
// Blocking), then the queued ones in order (ties by number); others are left out.
func (q Queue) Order() []Entry {
	var out []Entry
	for _, e := range q {
		if e.State == Queued || e.holds() {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b Entry) int {
		switch ra, rb := a.holds(), b.holds(); {
		case ra && !rb:
			return -1
		case rb && !ra:
			return 1
		}
		if c := a.QueuedAt.Compare(b.QueuedAt); c != 0 {
			return c
		}
		return compareNumbers(a.Number, b.Number)
	})
	return out
}

func compareNumbers(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Ahead lists the deployments ahead of number in the queue, its preceding_deployments in the
// spec; empty for a deployment that is not queued.
func (q Queue) Ahead(number uint64) []Entry {
	order := q.Order()
	for i, e := range order {
		if e.Number == number {
			if e.State != Queued {
				return nil
			}
			return order[:i]
		}
	}
	return nil
}

// Next returns the deployment that may start now: the head of the queue,
// when nothing runs or blocks the queue and it is due.
func (q Queue) Next() (uint64, bool) {
	order := q.Order()
	if len(order) == 0 || order[0].holds() || !order[0].Due {
		return 0, false
	}
	return order[0].Number, true
}

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

// Blocking reports whether a deployment blocks its queue because it
// failed: "When a Vitess deploy or revert fails, PlanetScale blocks the
// queue as a precaution", until POST
// /organizations/{organization}/databases/{database}/deploy-requests/{number}/complete-deploy
// (spec operation complete_errored_deploy; planetscale/cli pull request
// 1351, pscale deploy-request unblock, which calls it only in
// complete_error or complete_revert_error; the dashboard's "Unblock
// deploy queue"). A request that failed its deploy checks (error) never
// joined the queue and blocks nothing.
//
// The deployments queued behind one that blocks stay queued, and list it
// first in their preceding_deployments, with its state, as GET
// /deploy-queue does: that is how a client waiting for its own deploy can
// tell that it is blocked, and by which deploy request. The blocking
// deployment keeps its state after complete-deploy (what PlanetScale
// shows then is not documented; keeping the error is what cannot be
// mistaken for a deploy that happened): it just leaves the queue.
func (e Entry) Blocking() bool {
	return (e.State == CompleteError || e.State == CompleteRevertError) && !e.Completed
}

// holds reports whether a deployment holds its queue: it runs, or it
// failed and blocks it.
func (e Entry) holds() bool { return Running(e.State) || e.Blocking() }

// Queue is the deploy queue of one target branch: "By default, deploy
// requests on a branch run through a serial deploy queue: only one deploy
// runs at a time, and later requests wait until earlier ones finish"
// (planetscale.com/docs/vitess/schema-changes/deploy-requests); "There is
// a deployment queue, first come first served, that only allows a single
// deploy request at a time to run" (blog post "Database branching:
// three-way merge for schema changes").
type Queue []Entry

// Order returns the deployments in the queue, the one that holds it
// first (running, or failed and Blocking), then the queued ones in the
// order they were queued (ties by number), as GET /deploy-queue lists
// them. Finished and not yet queued deployments are left out.
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

// Ahead lists the deployments ahead of number in the queue: what the
// spec calls its preceding_deployments. It is empty for a deployment that
// is not queued.
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

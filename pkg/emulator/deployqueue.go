package emulator

import (
	"context"
	"net/http"

	"github.com/psflow/psflow/pkg/emulator/deploy"
)

// queueOf is the deploy queue of the branch into (deploy.Queue). A
// deployment whose start is under way counts as running. The caller holds
// e.mu.
func queueOf(db *database, into string) (deploy.Queue, map[uint64]*deployRequest) {
	var q deploy.Queue
	byNumber := map[uint64]*deployRequest{}
	for _, dr := range db.drs {
		if dr.into != into {
			continue
		}
		state := dr.state
		if dr.starting {
			state = stateSubmitting
		}
		q = append(q, deploy.Entry{Number: dr.number, State: state, QueuedAt: dr.queuedAt, Due: dr.due})
		byNumber[dr.number] = dr
	}
	return q, byNumber
}

// pump starts the next deployment of a queue when nothing in it runs. The
// start itself, which reads the target's schema, runs on the scheduler.
// The caller holds e.mu.
func (e *Emulator) pump(db *database, into string) {
	q, byNumber := queueOf(db, into)
	n, ok := q.Next()
	if !ok {
		return
	}
	dr := byNumber[n]
	dr.starting = true
	gen := dr.gen
	e.sched.after(0, func(ctx context.Context) { e.start(ctx, db, dr, gen) })
}

// queueTimeSpent marks a queued deployment as having spent the emulated
// queue time, so it may start when it reaches the head.
func (e *Emulator) queueTimeSpent(db *database, dr *deployRequest, gen int) func(context.Context) {
	return func(context.Context) {
		e.mu.Lock()
		defer e.mu.Unlock()
		if dr.gen == gen {
			dr.due = true
			e.pump(db, dr.into)
		}
	}
}

// start checks the deployment at the head of the queue once more against
// the target as it is now, then submits it. PlanetScale documents the
// checks when a request is opened and when it joins the queue
// (planetscale.com/docs/vitess/best-practices); a last check before it
// runs is not documented, and is what keeps a change made to the target
// some other way from being overwritten. One that no longer applies ends
// in complete_error with its deploy_check_errors and production
// untouched: what a client can see and act on.
func (e *Emulator) start(ctx context.Context, db *database, dr *deployRequest, gen int) {
	e.mu.Lock()
	q := dr.queued
	var into string
	if b := db.branches[dr.into]; b != nil {
		into = b.storageDB
	}
	e.mu.Unlock()
	var (
		ev  evaluation
		err error
	)
	if into == "" {
		err = errBranchGone(dr.into)
	} else {
		ev, err = e.planOnto(ctx, q.fork, q.branch, into, nil)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if dr.gen != gen || ctx.Err() != nil {
		// It changed state meanwhile (a cancel): the head may be another.
		dr.starting = false
		e.pump(db, dr.into)
		return
	}
	switch {
	case err != nil:
		dr.lastErr = err.Error()
	case ev.plan.Empty():
		dr.lastErr = "nothing left to deploy: " + dr.into + " already has every change of this deploy request"
	case !ev.plan.Deployable():
		dr.plan, dr.lastErr = ev.plan, ev.plan.CheckErrors()
	}
	if dr.lastErr != "" {
		e.transition(db, dr, stateCompleteError)
		return
	}
	dr.plan = ev.plan
	e.transition(db, dr, stateSubmitting)
}

// aheadOf lists the deployments ahead of dr in its queue (all of the
// queue, for a request not in it) that have not changed the target yet,
// with the sides they were queued with: a deploy request joining the
// queue is checked against them. The caller holds e.mu.
func aheadOf(db *database, dr *deployRequest) []deploy.Ahead {
	q, byNumber := queueOf(db, dr.into)
	var out []deploy.Ahead
	for _, e := range q.Order() {
		if e.Number == dr.number {
			break
		}
		a := byNumber[e.Number]
		if a.deployedAt.IsZero() && a.queued.set {
			out = append(out, deploy.Ahead{Number: a.number, Fork: statements(a.queued.fork), Branch: statements(a.queued.branch)})
		}
	}
	return out
}

// getDeployQueue serves GET /deploy-queue: the deployments of every branch
// of the database that are running or queued, each queue in its order.
func (e *Emulator) getDeployQueue(w http.ResponseWriter, r *http.Request) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	db, err := e.pathDatabase(r)
	if err != nil {
		return err
	}
	views := []deploymentView{}
	for _, b := range db.sortedBranches() {
		q, byNumber := queueOf(db, b.name)
		for _, entry := range q.Order() {
			views = append(views, e.deploymentView(db, byNumber[entry.Number]))
		}
	}
	writeJSON(w, http.StatusOK, paginate(r, views))
	return nil
}

package emulator

import (
	"context"
	"net/http"
	"time"

	"github.com/psflow/psflow/pkg/emulator/internal/deploy"
)

// queueOf is the deploy queue of the branch into (deploy.Queue). The
// caller holds e.mu.
func queueOf(db *database, into string) (deploy.Queue, map[uint64]*deployRequest) {
	var q deploy.Queue
	byNumber := map[uint64]*deployRequest{}
	for _, dr := range db.drs {
		if dr.into != into {
			continue
		}
		q = append(q, dr.Entry(dr.number))
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
	dr.Starting = true
	gen := dr.Gen
	e.sched.after(0, func(ctx context.Context) { e.start(ctx, db, dr, gen) })
}

// queueTimeSpent marks a queued deployment as having spent the emulated
// queue time, so it may start when it reaches the head.
func (e *Emulator) queueTimeSpent(db *database, dr *deployRequest, gen int) func(context.Context) {
	return func(context.Context) {
		e.mu.Lock()
		defer e.mu.Unlock()
		if dr.Gen == gen {
			dr.Due = true
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
// untouched, and blocks the queue as any failed deploy does
// (deploy.Entry.Blocking): what a client can see and act on. One whose
// changes the target has all already is complete (consumed).
func (e *Emulator) start(ctx context.Context, db *database, dr *deployRequest, gen int) {
	e.mu.Lock()
	q := dr.queued
	into := planTarget{foreignKeys: db.settings.foreignKeys}
	if b := db.branches[dr.into]; b != nil {
		into.storageDB = b.storageDB
	}
	e.mu.Unlock()
	var (
		ev  evaluation
		err error
	)
	if into.storageDB == "" {
		err = errBranchGone(dr.into)
	} else {
		ev, err = e.planOnto(ctx, q.fork, q.branch, into, nil)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if dr.Gen != gen || ctx.Err() != nil {
		// It changed state meanwhile (a cancel): the head may be another.
		dr.Starting = false
		e.pump(db, dr.into)
		return
	}
	switch {
	case err != nil:
		dr.lastErr = err.Error()
	case ev.plan.Empty():
		e.consumed(db, dr, ev.plan)
		return
	case !ev.plan.Deployable():
		dr.plan, dr.lastErr = ev.plan, ev.plan.CheckErrors()
	}
	if dr.lastErr != "" {
		e.transition(db, dr, deploy.CompleteError)
		return
	}
	dr.plan = ev.plan
	e.transition(db, dr, deploy.Submitting)
}

// consumed ends a deployment at the head of its queue whose changes its
// target already has, every one, as deployments ahead made the same
// changes: "the first deploy consumes them" (blog post "Database
// branching: three-way merge for schema changes"). What the state of the
// second request is then is not documented; it is complete with no DDL
// run, which is true of the target and which a client waiting for its
// deploy takes for done, rather than an error that would block the
// queue for a change that is there. The caller holds e.mu.
func (e *Emulator) consumed(db *database, dr *deployRequest, plan deploy.Plan) {
	dr.plan = plan
	if b := db.branches[dr.branch]; b != nil {
		// As after a cutover: the branch's changes are in its parent now.
		b.fork = dr.queued.branch
	}
	e.log.Info("deploy request consumed: its target has every change", "database", db.name, "number", dr.number)
	e.transition(db, dr, deploy.Complete)
}

// aheadOf lists the deployments ahead of dr in its queue (all of the
// queue, for a request not in it) that have not changed the target yet
// and still may, with the sides they were queued with: a deploy request
// joining the queue is checked against them. A failed deployment that
// blocks the queue will change nothing, and is left out. The caller
// holds e.mu.
func aheadOf(db *database, dr *deployRequest) []deploy.Ahead {
	q, byNumber := queueOf(db, dr.into)
	var out []deploy.Ahead
	for _, e := range q.Order() {
		if e.Number == dr.number {
			break
		}
		a := byNumber[e.Number]
		if a.DeployedAt.IsZero() && a.queued.set && !e.Blocking() {
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

// completeErroredDeploy serves POST .../deploy-requests/{number}/complete-deploy
// (spec operation complete_errored_deploy, "Complete an errored deploy"):
// a deployment that ended in complete_error or complete_revert_error
// stops blocking its queue, and the next queued one may start
// (deploy.Entry.Blocking says why it blocked). pscale calls it only in
// those two states (planetscale/cli pull request 1351), and what
// PlanetScale answers in another is not documented: a 422 naming the
// state, and the command for a gated deploy, is what tells a client
// what to do instead. A second call on a completed one answers as the
// first did, so a client retrying after a lost answer is not failed.
func (e *Emulator) completeErroredDeploy(w http.ResponseWriter, r *http.Request) error {
	return e.changeDeployRequest(w, r, nil, func(db *database, dr *deployRequest) error {
		if err := deploy.CheckComplete(dr.number, dr.State); err != nil {
			return unprocessable("%s", err)
		}
		if dr.Completed {
			return nil
		}
		dr.Completed, dr.updatedAt = true, time.Now()
		e.log.Info("errored deploy completed: the deploy queue is unblocked", "database", db.name, "number", dr.number, "into", dr.into, "state", dr.State)
		e.pump(db, dr.into)
		return nil
	})
}

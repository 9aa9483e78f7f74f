package emulator

import (
	"net/http"
	"time"

	"github.com/psflow/psflow/pkg/emulator/internal/deploy"
	"github.com/psflow/psflow/pkg/emulator/internal/storage"
)

// deployRequestBody is the body of POST .../deploy.
type deployRequestBody struct {
	InstantDDL bool `json:"instant_ddl"`
}

// deployDeployRequest queues a deployment that is ready, approved where required, instant-eligible
// if asked, and free of conflicts with those ahead (docs/design/emulator-deploy.md).
func (e *Emulator) deployDeployRequest(w http.ResponseWriter, r *http.Request) error {
	var req deployRequestBody
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	if err := e.refreshPlan(r); err != nil {
		return err
	}
	e.mu.Lock()
	db, dr, err := e.findDeployRequest(r)
	if err == nil {
		dr.calls++
		err = e.deployable(db, dr, req.InstantDDL)
	}
	if err != nil {
		e.mu.Unlock()
		return err
	}
	fork, branch, ahead := e.forkOf(db, dr), dr.branchTables, aheadOf(db, dr)
	if len(ahead) == 0 {
		// The plan refreshPlan made is against the target as it is.
		defer e.mu.Unlock()
		return e.enqueue(w, r, db, dr, req, fork, branch)
	}
	gen, into := dr.Gen, deploy.Target{StorageDB: db.branches[dr.into].storageDB, ForeignKeys: db.settings.foreignKeys}
	e.mu.Unlock()

	ev, err := e.planOnto(r.Context(), fork, branch, into, ahead)
	if err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	switch {
	case dr.Gen != gen:
		// Another call queued it meanwhile, or its plan changed: answer as
		// a call made now would be answered.
		if err := e.deployable(db, dr, req.InstantDDL); err != nil {
			return err
		}
		return unprocessable("deploy request #%d changed while it was being queued; try again", dr.number)
	case !ev.plan.Deployable():
		// The target changed since the plan was refreshed.
		return unprocessable("deploy request #%d is not deployable:\n%s", dr.number, notDeployable(ev.plan))
	case len(ev.collisions) > 0:
		dr.collisions = ev.collisions
		e.log.Info("deploy request rejected from the queue", "database", db.name, "number", dr.number, "collisions", len(ev.collisions))
		return unprocessable("deploy request #%d conflicts with the deployments queued ahead of it:\n%s", dr.number, collisionLines(dr))
	}
	return e.enqueue(w, r, db, dr, req, fork, branch)
}

// enqueue queues a deploy request's deployment with the branch schema it
// was planned from, and answers with the request. The caller holds e.mu.
func (e *Emulator) enqueue(w http.ResponseWriter, r *http.Request, db *database, dr *deployRequest, req deployRequestBody, fork, branch []storage.Table) error {
	dr.instantDDL, dr.deployer = req.InstantDDL, tokenOf(r)
	dr.queued = queuedSides{fork: fork, branch: branch, set: true}
	dr.collisions = nil
	e.transition(db, dr, deploy.Queued)
	writeJSON(w, http.StatusOK, e.deployRequestView(db, dr))
	return nil
}

// deployable says why a deploy request cannot be deployed now, or nil. The
// caller holds e.mu.
func (e *Emulator) deployable(db *database, dr *deployRequest, instant bool) error {
	switch {
	case dr.closed:
		return unprocessable("deploy request #%d is closed", dr.number)
	case dr.State == deploy.Pending:
		// The message PlanetScale answers a deploy of a request whose diff
		// is still being computed (HTTP 422, code invalid_params).
		return newAPIError(http.StatusUnprocessableEntity, "invalid_params",
			"We're currently validating that these changes are safe to deploy. Please try again in a few moments.")
	case dr.State == deploy.NoChanges:
		return unprocessable("deploy request #%d has no changes to deploy", dr.number)
	case dr.State == deploy.Error && dr.lastErr == "":
		return unprocessable("deploy request #%d is not deployable:\n%s", dr.number, notDeployable(dr.plan))
	case dr.State != deploy.Ready:
		return unprocessable("deploy request #%d cannot be deployed in state %s", dr.number, dr.State)
	case db.requireApproval && !dr.approved:
		// Not documented: the error a deploy of an unapproved request gets
		// when the database requires approval (require_approval_for_deploy).
		return unprocessable("deploy request #%d must be approved before it can be deployed: this database requires approval for deploys", dr.number)
	case instant && !dr.plan.Merge.InstantEligible:
		// Not documented: the error for instant_ddl on an ineligible
		// request; refusing is safer than deploying it another way.
		return unprocessable("deploy request #%d is not eligible for an instant deployment", dr.number)
	case db.branches[dr.into] == nil:
		return notFound("branch %s not found in database %s", dr.into, db.name)
	}
	return nil
}

// notDeployable lists a plan's conflicts and lint errors.
func notDeployable(p deploy.Plan) string {
	if s := p.CheckErrors(); s != "" {
		return s
	}
	return "no changes"
}

// forkOf returns the fork point of a deploy request's branch. The caller
// holds e.mu.
func (e *Emulator) forkOf(db *database, dr *deployRequest) []storage.Table {
	if b := db.branches[dr.branch]; b != nil {
		return b.fork
	}
	return nil
}

// deployAction serves a call that moves a deployment on (deploy.Action).
func (e *Emulator) deployAction(a deploy.Action) apiHandler {
	return func(w http.ResponseWriter, r *http.Request) error {
		return e.changeDeployRequest(w, r, nil, func(db *database, dr *deployRequest) error {
			if err := a.Check(dr.number, dr.State); err != nil {
				return unprocessable("%s", err)
			}
			if a.To == deploy.InProgressCutover {
				dr.applier = tokenOf(r)
			}
			e.transition(db, dr, a.To)
			return nil
		})
	}
}

func (e *Emulator) applyDeploy(w http.ResponseWriter, r *http.Request) error {
	return e.deployAction(deploy.Apply)(w, r)
}

func (e *Emulator) skipRevert(w http.ResponseWriter, r *http.Request) error {
	return e.deployAction(deploy.SkipRevert)(w, r)
}

func (e *Emulator) revertDeploy(w http.ResponseWriter, r *http.Request) error {
	return e.deployAction(deploy.RevertIt)(w, r)
}

func (e *Emulator) cancelDeploy(w http.ResponseWriter, r *http.Request) error {
	return e.deployAction(deploy.Cancel)(w, r)
}

// autoApplyRequest is the body of PUT .../auto-apply, as pscale
// deploy-request edit sends it (spec operation update_auto_apply).
type autoApplyRequest struct {
	Enable bool `json:"enable"`
}

// updateAutoApply turns the automatic cutover of a deploy request on or
// off, until its cutover starts.
func (e *Emulator) updateAutoApply(w http.ResponseWriter, r *http.Request) error {
	var req autoApplyRequest
	return e.changeDeployRequest(w, r, &req, func(db *database, dr *deployRequest) error {
		if dr.closed || !dr.CutoverAt.IsZero() {
			return unprocessable("deploy request #%d is past its cutover or closed; its auto-apply setting can no longer change", dr.number)
		}
		dr.autoCutover, dr.updatedAt = req.Enable, time.Now()
		if req.Enable && dr.State == deploy.PendingCutover {
			dr.applier = tokenOf(r)
			e.transition(db, dr, deploy.InProgressCutover)
		}
		return nil
	})
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

// completeErroredDeploy serves complete_errored_deploy: a complete_error or complete_revert_error
// deployment stops blocking its queue; other states get 422 (docs/design/emulator-deploy.md).
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

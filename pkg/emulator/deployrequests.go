package emulator

import (
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/psflow/psflow/pkg/emulator/internal/deploy"
)

// createDeployRequestRequest is the body of POST .../deploy-requests.
type createDeployRequestRequest struct {
	Branch           string `json:"branch"`
	IntoBranch       string `json:"into_branch"`
	Notes            string `json:"notes"`
	AutoCutover      *bool  `json:"auto_cutover"`
	AutoDeleteBranch bool   `json:"auto_delete_branch"`
}

// autoCutoverFor is a new deploy request's auto_cutover: asked, else the previous request's,
// else false (docs/design/emulator-deploy.md). The caller holds e.mu.
func autoCutoverFor(db *database, asked *bool) bool {
	switch {
	case asked != nil:
		return *asked
	case len(db.drs) > 0:
		return db.drs[len(db.drs)-1].autoCutover
	}
	return false
}

func (e *Emulator) createDeployRequest(w http.ResponseWriter, r *http.Request) error {
	var req createDeployRequestRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	db, err := e.pathDatabase(r)
	if err != nil {
		return err
	}
	if req.Branch == "" {
		return unprocessable("branch is required")
	}
	if req.IntoBranch == "" {
		// pscale sends no into_branch without --into: "By default, it's
		// the parent branch (if present) or the database's default
		// branch" (planetscale/cli internal/cmd/deployrequest/create.go).
		req.IntoBranch = db.settings.defaultBranch
		if b := db.branches[req.Branch]; b != nil && b.parent != "" {
			req.IntoBranch = b.parent
		}
	}
	from, into := db.branches[req.Branch], db.branches[req.IntoBranch]
	switch {
	case from == nil:
		return notFound("branch %s not found in database %s", req.Branch, db.name)
	case into == nil:
		return notFound("branch %s not found in database %s", req.IntoBranch, db.name)
	case from == into:
		return unprocessable("a branch cannot be deployed into itself")
	case from.creating:
		return unprocessable("branch %s is still being created", from.name)
	case !into.safeMigrations:
		// The target needs safe migrations (planetscale.com/docs/vitess/schema-changes/
		// deploy-requests); the 422 and text are the emulator's (docs/design/emulator-deploy.md).
		return unprocessable("safe migrations must be enabled on branch %s to deploy into it: "+
			"enable them with pscale branch safe-migrations enable %s %s (POST .../branches/%s/safe-migrations)",
			into.name, db.name, into.name, into.name)
	}
	for _, other := range db.drs {
		if other.branch == from.name && other.into == into.name && !other.closed {
			return unprocessable("an open deploy request (#%d) already exists for %s into %s", other.number, from.name, into.name)
		}
	}
	now := time.Now()
	dr := &deployRequest{
		id: randomString(12), deploymentID: randomString(12), number: uint64(len(db.drs) + 1),
		branch: from.name, into: into.name, branchID: from.id, keyspace: db.name, notes: req.Notes,
		autoCutover: autoCutoverFor(db, req.AutoCutover), autoDeleteBranch: req.AutoDeleteBranch,
		createdAt: now, updatedAt: now, creator: tokenOf(r),
	}
	db.drs = append(db.drs, dr)
	e.transition(db, dr, deploy.Pending)
	writeJSON(w, http.StatusCreated, e.deployRequestView(db, dr))
	return nil
}

// findDeployRequest finds the deploy request in the path. The caller holds
// e.mu.
func (e *Emulator) findDeployRequest(r *http.Request) (*database, *deployRequest, error) {
	db, err := e.pathDatabase(r)
	if err != nil {
		return nil, nil, err
	}
	n, err := strconv.ParseUint(r.PathValue("number"), 10, 64)
	if err != nil || n == 0 || n > uint64(len(db.drs)) {
		return nil, nil, notFound("deploy request %s not found in database %s", r.PathValue("number"), db.name)
	}
	return db, db.drs[n-1], nil
}

// withDeployRequest finds the deploy request in the path, brings its plan
// up to date and answers with what render makes of it.
func (e *Emulator) withDeployRequest(w http.ResponseWriter, r *http.Request, render func(*database, *deployRequest) any) error {
	if err := e.refreshPlan(r); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	db, dr, err := e.findDeployRequest(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, render(db, dr))
	return nil
}

func (e *Emulator) getDeployRequest(w http.ResponseWriter, r *http.Request) error {
	return e.withDeployRequest(w, r, func(db *database, dr *deployRequest) any { return e.deployRequestView(db, dr) })
}

func (e *Emulator) getDeployment(w http.ResponseWriter, r *http.Request) error {
	return e.withDeployRequest(w, r, func(db *database, dr *deployRequest) any { return e.deploymentView(db, dr) })
}

func (e *Emulator) deployRequestDiff(w http.ResponseWriter, r *http.Request) error {
	return e.withDeployRequest(w, r, func(db *database, dr *deployRequest) any { return wrapData(dr.files) })
}

func (e *Emulator) listDeployOperations(w http.ResponseWriter, r *http.Request) error {
	return e.withDeployRequest(w, r, func(db *database, dr *deployRequest) any { return paginate(r, e.operationViews(dr)) })
}

func (e *Emulator) listDeployRequests(w http.ResponseWriter, r *http.Request) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	db, err := e.pathDatabase(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	state, from, into := q.Get("state"), q.Get("branch"), q.Get("into_branch")
	var views []deployRequestView
	for _, dr := range db.drs {
		switch {
		case from != "" && dr.branch != from, into != "" && dr.into != into:
			continue
		case state == "open" && dr.closed, state == "closed" && !dr.closed, state == "deployed" && dr.DeployedAt.IsZero():
			continue
		}
		views = append(views, e.deployRequestView(db, dr))
	}
	sort.Slice(views, func(i, j int) bool { return views[i].Number > views[j].Number })
	writeJSON(w, http.StatusOK, paginate(r, views))
	return nil
}

// closeDeployRequestRequest is the body of PATCH .../deploy-requests/{n}.
type closeDeployRequestRequest struct {
	State string `json:"state"`
}

func (e *Emulator) closeDeployRequest(w http.ResponseWriter, r *http.Request) error {
	var req closeDeployRequestRequest
	return e.changeDeployRequest(w, r, &req, func(db *database, dr *deployRequest) error {
		switch {
		case req.State != "closed":
			return unprocessable("invalid state %q: a deploy request can only be updated to closed", req.State)
		case dr.closed:
			return unprocessable("deploy request #%d is already closed", dr.number)
		case deploy.Deploying(dr.State):
			return unprocessable("deploy request #%d is deploying (%s) and cannot be closed", dr.number, dr.State)
		}
		now := time.Now()
		dr.closed, dr.closedAt, dr.updatedAt = true, now, now
		dr.collisions = nil
		e.log.Info("deploy request closed", "database", db.name, "number", dr.number)
		return nil
	})
}

// changeDeployRequest decodes the body into body (when not nil), runs change on the path's
// deploy request under e.mu and answers with the deploy request.
func (e *Emulator) changeDeployRequest(w http.ResponseWriter, r *http.Request, body any, change func(*database, *deployRequest) error) error {
	if body != nil {
		if err := decodeBody(r, body); err != nil {
			return err
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	db, dr, err := e.findDeployRequest(r)
	if err != nil {
		return err
	}
	if err := change(db, dr); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e.deployRequestView(db, dr))
	return nil
}

// DeployHistory lists every deployment state a deploy request has been in,
// in order, starting with pending.
func (e *Emulator) DeployHistory(database string, number uint64) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if dr := e.deployRequest(database, number); dr != nil {
		return append([]string(nil), dr.History...)
	}
	return nil
}

// DeployCalls counts the deploy calls a deploy request received, accepted
// or refused.
func (e *Emulator) DeployCalls(database string, number uint64) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	if dr := e.deployRequest(database, number); dr != nil {
		return dr.calls
	}
	return 0
}

// deployRequest finds a deploy request by database and number, or nil.
// The caller holds e.mu.
func (e *Emulator) deployRequest(database string, number uint64) *deployRequest {
	db := e.dbs[database]
	if db == nil || number == 0 || number > uint64(len(db.drs)) {
		return nil
	}
	return db.drs[number-1]
}

// refreshPlan brings the plan of the path's deploy request up to date with its branch and
// target, as the real service keeps an open request's diff current; only an unknown request errs.
func (e *Emulator) refreshPlan(r *http.Request) error {
	e.mu.Lock()
	db, dr, err := e.findDeployRequest(r)
	e.mu.Unlock()
	if err != nil {
		return err
	}
	e.advance(r.Context(), db, dr, e.replan(r.Context(), db, dr))
	return nil
}

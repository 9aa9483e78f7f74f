package reliability

import (
	"strings"
	"testing"

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator"
	"gotest.tools/v3/assert"
)

// outcome is what a faulted run may end in.
type outcome struct {
	codes []int  // allowed exit codes
	msg   string // printed text that must appear; default: the call's op
	done  bool   // a run that exits 0 must reach the scenario's end state
	// check, when set, replaces the scenario's end-state check.
	check func(t *testing.T, em *emulator.Emulator, r actiontest.Run)
	// passwords, when set, replaces the passwords the run may leave.
	passwords map[string]int
}

// expect returns the documented outcome: transient faults retried to success, after reconciling
// a create or deploy; 401 and 403 exit 2, 404 and 422 exit 1; overrides list the exceptions.
func expect(c faultCase) outcome {
	key := c.sc.name + " " + c.call.endpoint + " " + c.fault.name
	if o, ok := overrides[key]; ok {
		return o
	}
	if o, ok := overrides[c.sc.name+" "+c.call.endpoint+" permanent"]; ok && c.fault.permanent {
		return o
	}
	if !c.fault.permanent {
		return outcome{codes: []int{0}, done: true}
	}
	op := opOf(c.call)
	if c.sc.branch != "" {
		op = strings.ReplaceAll(op, "pr-1", c.sc.branch)
	}
	switch c.fault.name {
	case "401":
		return outcome{codes: []int{2}, msg: op + ": unauthorized (HTTP 401"}
	case "403":
		return outcome{codes: []int{2}, msg: op + ": forbidden (HTTP 403"}
	case "404":
		return outcome{codes: []int{1}, msg: op + ": not found (HTTP 404"}
	}
	return outcome{codes: []int{1}, msg: op + ": invalid (HTTP 422"}
}

const (
	routeDB       = "/v1/organizations/{organization}/databases/{database}"
	routeBranches = routeDB + "/branches"
	routeBranch   = routeBranches + "/{branch}"
	routeDRs      = routeDB + "/deploy-requests"
	routeDR       = routeDRs + "/{number}"
)

// overrides are the cases whose outcome differs from the general rule.
var overrides = map[string]outcome{
	// A missing branch is the answer create-branch expects first.
	"create-branch GET " + routeBranch + " 404": {codes: []int{0}, done: true},
	// delete-branch takes a missing branch for one already deleted.
	"delete-branch GET " + routeBranch + " 404": {codes: []int{0}, msg: "branch pr-1 of acme/app does not exist; nothing to delete"},
	// A 404 to the DELETE of a branch that is still there is how the API
	// refuses a token without delete_branch: the step fails and says so.
	"delete-branch DELETE " + routeBranch + " 404": {codes: []int{1}, msg: "the service token may lack the delete_branch access"},
	"sweep DELETE " + routeBranch + " 404":         {codes: []int{1}, msg: "the service token may lack the delete_branch access"},
	// A DELETE whose answer was lost is resent and finds the branch gone:
	// it is gone, but the run cannot tell that it deleted it.
	"delete-branch DELETE " + routeBranch + " lost-answer": {codes: []int{0}, msg: "branch pr-1 of acme/app was already gone", check: gone("pr-1")},
	"sweep DELETE " + routeBranch + " lost-answer":         {codes: []int{0}, msg: "branch pr-1 of acme/app was already gone", check: gone("pr-1", "pr-2")},
	// open-deploy-request says what to do about a missing branch.
	"open-deploy-request GET " + routeBranch + " 404":  {codes: []int{1}, msg: "branch pr-1 of acme/app does not exist; run create-branch first"},
	"close-deploy-request GET " + routeBranch + " 404": {codes: []int{1}, msg: "branch pr-1 of acme/app does not exist; run create-branch first"},
	// Lint findings and the base schema only enrich the report: their
	// failure is a warning.
	"open-deploy-request GET " + routeBranch + "/schema/lint permanent":  {codes: []int{0}, msg: "could not lint branch pr-1", done: true},
	"close-deploy-request GET " + routeBranch + "/schema/lint permanent": {codes: []int{0}, msg: "could not lint branch pr-1", done: true},
	"open-deploy-request GET " + routeBranch + "/schema permanent":       {codes: []int{0}, msg: "could not read the schema of main", done: true},
	// Whether the request can deploy only enriches open-deploy-request's
	// report: the approval setting and the deploy queue are warnings.
	"open-deploy-request GET " + routeDB + " permanent":              {codes: []int{0}, msg: "could not read whether the database requires approvals", done: true},
	"open-deploy-request GET " + routeDB + "/deploy-queue permanent": {codes: []int{0}, msg: "could not read the deploy queue of main", done: true},
	"wait-and-deploy GET " + routeBranch + "/schema/lint permanent":  {codes: []int{0}, done: true},
	// wait-and-deploy takes an approval setting it cannot read as not
	// required: the API still refuses an unapproved deploy where one is.
	"wait-and-deploy GET " + routeDB + " permanent": {codes: []int{0}, msg: "could not read whether acme/app requires approvals for deploys", done: true},
	// A deploy the API refuses, of a request still ready when read again,
	// cannot be deployed now.
	"wait-and-deploy POST " + routeDR + "/deploy 422": {codes: []int{4}, msg: "deploy request #1 of acme/app cannot be deployed now: deploy deploy request #1 of acme/app: invalid (HTTP 422"},
	// Off GitHub the review that records what open-deploy-request reported
	// is a side effect: one that cannot be read or written is a warning.
	"open-deploy-request GET " + routeDR + "/reviews permanent":  {codes: []int{0}, msg: "the review recording what open-deploy-request reported was not written: list the reviews of deploy request #1", done: true},
	"open-deploy-request POST " + routeDR + "/reviews permanent": {codes: []int{0}, msg: "the review recording what open-deploy-request reported was not written: comment on deploy request #1", done: true},
	// wait-and-deploy fails closed: it refuses to deploy when it cannot
	// read the reviews that would say what was reported.
	"wait-and-deploy GET " + routeDR + "/reviews permanent": {codes: []int{4}, msg: "refusing to deploy deploy request #1 of acme/app: could not read what open-deploy-request reported about it (list the reviews of deploy request #1"},
	// Looking for psflow's earlier passwords, to replace or delete them, is
	// a clean-up: its failure is a warning, and they expire with their TTL.
	"create-branch GET " + routeBranch + "/passwords permanent":    {codes: []int{0}, msg: "could not look for psflow's earlier passwords on branch pr-1 of acme/app", done: true},
	"seed-branch GET " + routeBranch + "/passwords permanent":      {codes: []int{0}, msg: "could not look for psflow's earlier passwords on branch pr-1 of acme/app", done: true},
	"setup-migrations GET " + routeBranch + "/passwords permanent": {codes: []int{0}, msg: "could not look for psflow's earlier passwords on branch psflow-setup-migrations of acme/app", done: true},
	// seed-branch has seeded when its password cannot be deleted: it warns,
	// and the password expires with its TTL.
	"seed-branch DELETE " + routeBranch + "/passwords/{id} permanent": {codes: []int{0}, msg: "could not delete password", done: true, passwords: map[string]int{"pr-1": 1}},
	// setup-migrations reads production's branch first, for its safe
	// migrations.
	"setup-migrations GET " + routeBranch + " permanent": {codes: []int{1, 2}, msg: "get branch main of acme/app"},
	// Its password is deleted with its branch when its own deletion fails.
	"setup-migrations DELETE " + routeBranch + "/passwords/{id} permanent": {codes: []int{0}, msg: "could not delete password", done: true},
	// The table is in production, and the branch is left: the step says
	// how to delete it.
	"setup-migrations DELETE " + routeBranch + " permanent": {codes: []int{1, 2}, msg: "but branch psflow-setup-migrations could not be deleted"},
	// A call refused once is tried again after the deployment is read
	// again; the next one goes through.
	"setup-migrations POST " + routeDR + "/deploy 422":      {codes: []int{0}, done: true},
	"setup-migrations POST " + routeDR + "/skip-revert 422": {codes: []int{0}, done: true},
}

// gone checks that the branches no longer exist.
func gone(branches ...string) func(t *testing.T, em *emulator.Emulator, r actiontest.Run) {
	return func(t *testing.T, em *emulator.Emulator, r actiontest.Run) {
		for _, b := range branches {
			assert.Check(t, branchState(em, b) == nil, "branch %s was not deleted", b)
		}
	}
}

// opOf is how psflow names a call in its messages, for the scenarios'
// branch pr-1 and deploy request #1.
func opOf(c call) string {
	route := strings.TrimPrefix(c.endpoint, c.method+" ")
	switch c.method + " " + route {
	case "GET " + routeDB:
		return "get database acme/app"
	case "PATCH " + routeDB:
		return "update the migration settings of acme/app"
	case "GET " + routeBranches:
		return "list branches of acme/app"
	case "POST " + routeBranches:
		return "create branch pr-1 of acme/app"
	case "GET " + routeBranch:
		return "get branch pr-1 of acme/app"
	case "DELETE " + routeBranch:
		return "delete branch pr-1 of acme/app"
	case "POST " + routeBranch + "/passwords":
		return "password on branch pr-1 of acme/app"
	case "DELETE " + routeBranch + "/passwords/{id}":
		return "delete password"
	case "GET " + routeBranch + "/schema":
		return "get the schema of branch main of acme/app"
	case "GET " + routeBranch + "/schema/lint":
		return "lint the schema of branch pr-1 of acme/app"
	case "GET " + routeDRs:
		return "list deploy requests of acme/app"
	case "POST " + routeDRs:
		return "open a deploy request from pr-1 into main of acme/app"
	case "GET " + routeDR:
		return "get deploy request #1 of acme/app"
	case "PATCH " + routeDR:
		return "close deploy request #1 of acme/app"
	case "GET " + routeDR + "/operations":
		return "list the operations of deploy request #1 of acme/app"
	case "GET " + routeDR + "/deployment":
		return "get the deployment of deploy request #1 of acme/app"
	case "POST " + routeDR + "/deploy":
		return "deploy deploy request #1 of acme/app"
	case "POST " + routeDR + "/apply-deploy":
		return "apply the cutover of deploy request #1 of acme/app"
	case "POST " + routeDR + "/skip-revert":
		return "skip the revert window of deploy request #1 of acme/app"
	case "GET " + routeDR + "/reviews":
		return "list the reviews of deploy request #1 of acme/app"
	case "POST " + routeDR + "/reviews":
		return "comment on deploy request #1 of acme/app"
	}
	return c.endpoint
}

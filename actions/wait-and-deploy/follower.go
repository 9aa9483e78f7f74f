package waitanddeploy

import (
	"time"

	"github.com/psflow/psflow/actions/internal/deployreport"
	"github.com/psflow/psflow/actions/internal/reporteddiff"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

// follower follows one deploy request's deployment, queueing it, cutting
// it over and ending its revert window as the inputs ask (see poll).
type follower struct {
	s           *step.Step
	c           *planetscale.Client
	db          string
	orgDatabase string // "acme/app", for messages
	number      uint64
	deploy      bool   // queue the deploy when it is ready
	apply       bool   // apply the cutover at pending_cutover
	revert      string // leave, skip or wait
	// skipAhead ends the revert window of a deployment that holds the
	// queue ahead of this one.
	skipAhead bool
	unblock   bool // unblock a queue another request's failed deploy holds
	blocked   bool // the step stopped on a blocked queue
	lock      hostLock
	check     diffCheck       // what the deploy is checked against
	pr        deployreport.PR // the pull request behind it, for advice

	last      *planetscale.DeployRequest // the newest state read
	fresh     bool                       // last was read just before the wait: the first poll uses it
	w         *planetscale.Waiter        // the wait that polls
	deployed  time.Time                  // when this run queued the deploy
	failed    string                     // the failure state the deployment ended in
	refused   error                      // the last action the API refused
	refusedIn string                     // the state it was refused in
	approval  approvalWait               // a wait for an approval
	queue     string                     // the deploy queue ahead, as last logged
}

// approvalWait is what the follower knows of approvals: the setting, when
// it was read, whether to read it (asked), and whether the deploy waits.
type approvalWait struct {
	required bool
	readAt   time.Time
	asked    bool
	waiting  bool
}

// recheck makes the next poll read the setting (again): the API refused a
// deploy, which an approval the database requires may explain.
func (a *approvalWait) recheck() { a.readAt, a.asked = time.Time{}, true }

// diffCheck is what a deploy is checked against: what open-deploy-request
// last reported about the request, from wherever the record is found.
type diffCheck struct {
	input          *reporteddiff.Record // the reported_diff input, when set
	allowChanged   bool                 // deploy a request that changed since, with a warning
	allowUnchecked bool                 // deploy a request nothing readable records, with a warning
	found          *reporteddiff.Lookup // what was looked up, once
	lookErr        error                // why the lookup failed, once
	statements     []string             // the statements last logged
	destructive    []string             // why they are destructive, as last checked
	opsErr         error                // a permanent failure to read them, not tried again
}

// Package deployreport is what open-deploy-request and wait-and-deploy
// report about a deploy request, in the step summary and sticky comment.
package deployreport

import (
	"time"

	"github.com/psflow/psflow/actions/internal/reporteddiff"
	"github.com/psflow/psflow/pkg/planetscale"
)

// Report is everything the comment shows about one deploy request.
type Report struct {
	OrgDatabase  string // org/database, e.g. "acme/app"
	Database     string // the database alone, e.g. "app"
	Branch, Into string
	Number       uint64
	URL          string
	State        string // the deployment state
	Closed       bool   // the deploy request was closed
	Statements   []string
	Destructive  []string // why the change can lose data, one reason each
	Lint         []*planetscale.LintError
	LintProblem  string  // why the lint findings are unknown; "" when Lint is complete
	NoLint       bool    // leave the lint section out (it was not looked at)
	Timeline     []Event // the deployment states seen, oldest first
	Outcome      string  // one closing sentence, e.g. "Deployed after 42s."
	// Readiness, when set, says whether the request can deploy and what
	// stands in its way.
	Readiness *Readiness
	// PR is the pull request behind the request, for what to do when it
	// cannot deploy.
	PR PR
	// Reported, when set, is carried in a hidden line for wait-and-deploy
	// (see FindReported).
	Reported *reporteddiff.Record
}

// Event is one deployment state and when it was first seen.
type Event struct {
	State string
	At    time.Time
	After time.Duration // since the wait started
}

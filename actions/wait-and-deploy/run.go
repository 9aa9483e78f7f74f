package waitanddeploy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/psflow/psflow/actions/internal/deployreport"
	"github.com/psflow/psflow/internal/scope"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

func run(ctx context.Context, s *step.Step) error {
	check, err := newDiffCheck(s)
	if err != nil {
		return err
	}
	c, err := scope.Client(s)
	if err != nil {
		return err
	}
	if done, err := closedUnmerged(s); done || err != nil {
		return err
	}
	db := s.String("database")
	n, err := number(ctx, s, c, db)
	if err != nil {
		return err
	}
	dr, err := c.GetDeployRequest(ctx, db, n)
	if err != nil {
		return err
	}
	if err := sameBranch(s, dr); err != nil {
		return err
	}
	s.Output("number", fmt.Sprint(dr.Number))
	s.Output("url", dr.HtmlURL)
	if dr.State == planetscale.RequestClosed && (dr.DeploymentState == planetscale.StateReady || dr.DeploymentState == planetscale.StatePending) {
		s.Output("deployment_state", dr.DeploymentState)
		return step.Usagef("deploy request #%d of %s is closed and was never deployed; open a new one (%s)", n, scope.OrgDatabase(s), dr.HtmlURL)
	}
	f := &follower{
		s: s, c: c, db: db, orgDatabase: scope.OrgDatabase(s), number: n, last: dr, fresh: true,
		deploy: s.Bool("deploy"), apply: s.Bool("apply_cutover"), revert: s.String("revert_window"), skipAhead: s.Bool("skip_revert_ahead"), unblock: s.Bool("unblock_queue"),
		lock: newHostLock(s.String("api_url"), s.String("org"), db, n), check: check, pr: deployreport.PROf(s),
	}
	w := &planetscale.Waiter{
		What:    fmt.Sprintf("deploy request #%d of %s", n, scope.OrgDatabase(s)),
		Timeout: s.Duration("timeout"),
		Soon:    planetscale.DefaultSoon,
		Logf:    stamped(s),
	}
	f.w = w
	start := time.Now()
	_, waitErr := w.Wait(ctx, f.poll)
	end := time.Now()
	var timeout *planetscale.TimeoutError
	if (errors.As(waitErr, &timeout) && !f.approval.waiting || f.blocked) && ctx.Err() == nil {
		waitErr = fmt.Errorf("%w; %s", waitErr, f.onTimeout(ctx))
	}
	if errors.As(waitErr, &timeout) && f.approval.waiting {
		waitErr = step.WithCode(step.ExitTimeout, fmt.Errorf("timed out after %s waiting for an approval of deploy request #%d of %s: "+
			"the database requires approval for deploys and nobody has approved it; ask a database administrator other than its author "+
			"to approve it on PlanetScale (%s), then run wait-and-deploy again", timeout.After.Round(time.Second), n, scope.OrgDatabase(s), f.last.HtmlURL))
	}
	from := start
	if !f.deployed.IsZero() {
		from = f.deployed
	}
	s.Output("deployment_state", f.last.DeploymentState)
	s.Output("duration_s", fmt.Sprintf("%.1f", end.Sub(from).Seconds()))

	err = outcome(ctx, f, waitErr)
	publish(ctx, s, f, timeline(start, w.Changes()), err)
	return err
}

// sameBranch refuses a deploy request given by number that is not of the
// branch the run is about, when it knows one.
func sameBranch(s *step.Step, dr *planetscale.DeployRequest) error {
	if s.Int("number") == 0 {
		return nil
	}
	branch, err := scope.Branch(s)
	if err != nil || branch == dr.Branch {
		return nil
	}
	return step.Usagef("deploy request #%d of %s is of branch %s, not %s; set number to a request of branch %s, or leave it out to use the branch's open request",
		dr.Number, scope.OrgDatabase(s), dr.Branch, branch, branch)
}

// number resolves the deploy request: the number input, else the one open
// deploy request of the branch.
func number(ctx context.Context, s *step.Step, c *planetscale.Client, db string) (uint64, error) {
	if n := s.Int("number"); n != 0 {
		if n < 0 {
			return 0, step.Usagef("input number: %d is not a deploy request number", n)
		}
		return uint64(n), nil
	}
	branch, err := scope.Branch(s)
	if err != nil {
		return 0, step.Usagef("set number, or branch to use its open deploy request: %w", err)
	}
	list, err := c.ListDeployRequests(ctx, db, planetscale.DeployFilter{State: planetscale.RequestOpen, Branch: branch})
	if err != nil {
		return 0, err
	}
	var open []string
	var found uint64
	for _, dr := range list {
		if dr.Branch == branch && dr.State == planetscale.RequestOpen {
			open = append(open, fmt.Sprintf("#%d into %s", dr.Number, dr.IntoBranch))
			found = dr.Number
		}
	}
	switch len(open) {
	case 0:
		return lastDeployed(ctx, s, c, db, branch)
	case 1:
		s.Logf("branch %s of %s: open deploy request #%d", branch, scope.OrgDatabase(s), found)
		return found, nil
	}
	return 0, step.Usagef("branch %s of %s has %d open deploy requests (%s); set number", branch, scope.OrgDatabase(s), len(open), strings.Join(open, ", "))
}

// lastDeployed finds the branch's most recently deployed request, which a
// re-run of a merged pull request's job reports.
func lastDeployed(ctx context.Context, s *step.Step, c *planetscale.Client, db, branch string) (uint64, error) {
	closed, err := c.ListDeployRequests(ctx, db, planetscale.DeployFilter{State: planetscale.RequestClosed, Branch: branch})
	if err != nil {
		return 0, err
	}
	var last uint64
	var undeployed []string
	for _, dr := range closed {
		switch {
		case dr.Branch != branch:
		case dr.DeployedAt != nil:
			last = max(last, dr.Number)
		default:
			undeployed = append(undeployed, fmt.Sprintf("#%d", dr.Number))
		}
	}
	if last == 0 {
		return 0, noRequest(ctx, s, c, db, branch, undeployed)
	}
	s.Logf("branch %s of %s has no open deploy request; following its last deployed request #%d", branch, scope.OrgDatabase(s), last)
	return last, nil
}

// noRequest is the error for a branch with no open or deployed deploy
// request: exit 1 when the branch does not exist, else exit 2.
func noRequest(ctx context.Context, s *step.Step, c *planetscale.Client, db, branch string, undeployed []string) error {
	_, err := c.GetBranch(ctx, db, branch)
	switch {
	case planetscale.IsKind(err, planetscale.KindNotFound):
		closed := ""
		if len(undeployed) > 0 {
			closed = fmt.Sprintf("; its deploy request(s) %s were closed without being deployed", strings.Join(undeployed, ", "))
		}
		return fmt.Errorf("branch %s of %s does not exist (deleted, or never created) and has no open or deployed deploy request, so there is nothing to deploy%s", branch, scope.OrgDatabase(s), closed)
	case err != nil:
		return err
	}
	return step.Usagef("branch %s of %s has no open or deployed deploy request; run open-deploy-request first, or set number", branch, scope.OrgDatabase(s))
}

// stamped returns a log function that starts each line with the UTC time.
func stamped(s *step.Step) func(string, ...any) {
	return func(format string, args ...any) {
		s.Logf("%s %s", time.Now().UTC().Format("15:04:05.000Z"), fmt.Sprintf(format, args...))
	}
}

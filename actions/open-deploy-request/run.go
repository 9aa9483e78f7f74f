package opendeployrequest

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/psflow/psflow/internal/scope"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

func run(ctx context.Context, s *step.Step) error {
	if err := checkFailOn(s); err != nil {
		return err
	}
	c, err := scope.Client(s)
	if err != nil {
		return err
	}
	branch, err := scope.Branch(s)
	if err != nil {
		return err
	}
	db := s.String("database")
	into, err := target(ctx, s, c, db, branch)
	if err != nil {
		return err
	}
	notes, err := notes(s)
	if err != nil {
		return err
	}
	d := planetscale.CreateDeploy{
		Branch: branch, Into: into, Notes: notes,
		AutoCutover: s.Bool("auto_cutover"), AutoDeleteBranch: s.Bool("auto_delete_branch"),
	}
	// One list serves both: the open request to reuse, else the closed
	// ones a re-run after the deploy reports.
	mine, err := listOf(ctx, c, db, d)
	if err != nil {
		return err
	}
	dr := openOf(mine)
	if dr == nil {
		prev, err := previous(ctx, s, c, db, d, mine)
		if err != nil {
			return err
		}
		if prev != nil {
			reportPrevious(s, prev)
			return nil
		}
	}
	created := false
	if dr == nil {
		if dr, created, err = open(ctx, s, c, db, d); err != nil {
			return err
		}
	}
	verb := "reusing"
	if created {
		verb = "opened"
	}
	s.Logf("%s deploy request #%d of %s: %s → %s (%s)", verb, dr.Number, scope.OrgDatabase(s), branch, into, dr.HtmlURL)
	s.Output("number", fmt.Sprint(dr.Number))
	s.Output("url", dr.HtmlURL)

	// A listed deploy request's state can lag behind its branch: read it.
	// One this run opened is as the answer to its creation says.
	if !created {
		if dr, err = c.GetDeployRequest(ctx, db, dr.Number); err != nil {
			return err
		}
	}
	if dr.DeploymentState == planetscale.StatePending && s.Bool("wait_for_diff") {
		waited, err := waitForDiff(ctx, s, c, db, dr.Number, created)
		if err != nil {
			s.Output("deployment_state", planetscale.StatePending)
			return err
		}
		dr = waited
	}
	return report(ctx, s, c, db, dr, created)
}

// target resolves the branch to deploy into (into, else the parent, else
// the default branch), refusing production and the branch itself.
func target(ctx context.Context, s *step.Step, c *planetscale.Client, db, branch string) (string, error) {
	b, err := c.GetBranch(ctx, db, branch)
	if planetscale.IsKind(err, planetscale.KindNotFound) {
		return "", fmt.Errorf("branch %s of %s does not exist; run create-branch first or set the branch input: %w", branch, scope.OrgDatabase(s), err)
	}
	if err != nil {
		return "", err
	}
	if b.Production {
		return "", step.Usagef("branch %s of %s is a production branch; open deploy requests from a development branch", branch, scope.OrgDatabase(s))
	}
	into := s.String("into")
	if into == "" {
		into = b.ParentBranch
	}
	if into == "" {
		d, err := c.GetDatabase(ctx, db)
		if err != nil {
			return "", err
		}
		into = d.DefaultBranch
	}
	if into == branch {
		return "", step.Usagef("branch %s of %s cannot be deployed into itself; set into to another branch", branch, scope.OrgDatabase(s))
	}
	return into, nil
}

// notes returns the notes input, else the pull request's title and link
// as far as the CI gives them.
func notes(s *step.Step) (string, error) {
	if n := s.String("notes"); n != "" {
		return n, nil
	}
	rc, err := s.Context()
	if err != nil {
		return "", step.Usagef("%w", err)
	}
	if rc.PullRequest > 0 {
		return strings.TrimSpace(rc.Title + "\n\n" + rc.URL), nil
	}
	return "", nil
}

// open opens a deploy request of d.Branch into d.Into, or returns one opened
// meanwhile (created false); a lost or racing create is reconciled.
func open(ctx context.Context, s *step.Step, c *planetscale.Client, db string, d planetscale.CreateDeploy) (dr *planetscale.DeployRequest, created bool, err error) {
	const attempts = 2
	for range attempts {
		if dr, err = c.CreateDeployRequest(ctx, db, d); err == nil {
			return dr, true, nil
		}
		if planetscale.IsKind(err, planetscale.KindUnauthorized) || planetscale.IsKind(err, planetscale.KindForbidden) || planetscale.IsKind(err, planetscale.KindNotFound) {
			return nil, false, err
		}
		existing, listErr := findOpen(ctx, c, db, d)
		if listErr != nil {
			return nil, false, err
		}
		if existing != nil {
			s.Logf("deploy request #%d appeared while opening one (another run, or a request whose answer was lost); reusing it", existing.Number)
			return existing, false, nil
		}
		if !planetscale.Transient(err) {
			return nil, false, err
		}
		s.Logf("no deploy request was opened (%v); trying again", err)
	}
	return nil, false, err
}

// listOf lists the deploy requests of d.Branch into d.Into, open and
// closed.
func listOf(ctx context.Context, c *planetscale.Client, db string, d planetscale.CreateDeploy) ([]*planetscale.DeployRequest, error) {
	all, err := c.ListDeployRequests(ctx, db, planetscale.DeployFilter{Branch: d.Branch, IntoBranch: d.Into})
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(dr *planetscale.DeployRequest) bool { return dr.Branch != d.Branch || dr.IntoBranch != d.Into }), nil
}

// openOf returns the open deploy request among list, or nil.
func openOf(list []*planetscale.DeployRequest) *planetscale.DeployRequest {
	for _, dr := range list {
		if dr.State == planetscale.RequestOpen {
			return dr
		}
	}
	return nil
}

// findOpen returns the open deploy request of d.Branch into d.Into, or nil.
func findOpen(ctx context.Context, c *planetscale.Client, db string, d planetscale.CreateDeploy) (*planetscale.DeployRequest, error) {
	list, err := listOf(ctx, c, db, d)
	if err != nil {
		return nil, err
	}
	return openOf(list), nil
}

// waitForDiff waits until the deploy request leaves pending, reading one
// the run just opened (created) first after DefaultSoon.
func waitForDiff(ctx context.Context, s *step.Step, c *planetscale.Client, db string, n uint64, created bool) (*planetscale.DeployRequest, error) {
	var dr *planetscale.DeployRequest
	w := &planetscale.Waiter{
		What:    fmt.Sprintf("the diff of deploy request #%d of %s", n, scope.OrgDatabase(s)),
		Timeout: s.Duration("timeout"),
		Logf:    s.Logf,
	}
	if created {
		w.Delay = planetscale.DefaultSoon
	}
	_, err := w.Wait(ctx, func(ctx context.Context) (string, bool, error) {
		var err error
		if dr, err = c.GetDeployRequest(ctx, db, n); err != nil {
			return "", false, err
		}
		return dr.DeploymentState, dr.DeploymentState != planetscale.StatePending, nil
	})
	return dr, err
}

package setupmigrations

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/psflow/psflow/internal/branchconn"
	"github.com/psflow/psflow/internal/scope"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

// SetupBranch is the development branch the migration table is created on
// when production takes schema changes only through deploy requests.
const SetupBranch = "psflow-setup-migrations"

// maxRefusals is how many refusals in a row, each finding the same state,
// a call that moves the deployment on may get before the step fails.
const maxRefusals = 3

// deploy brings the migration table into production through a deploy
// request from the setup branch, cleaning up whatever fails before the deploy.
type deploy struct {
	s        *step.Step
	c        *planetscale.Client
	db, prod string
	table    string
	approval bool // the database requires an approval for deploys

	created  bool                       // this run created the setup branch
	adopted  bool                       // the branch was left by an interrupted run, and this run carries on with it
	dr       *planetscale.DeployRequest // the request, once opened or found
	deployed bool                       // a deploy was sent: it may have been taken
	waiting  bool                       // logged that the request waits for an approval
	refused  int                        // refusals in a row
	refusedQ string                     // the state they were refused in
}

// run does it all and returns the deploy request's number.
func (u *deploy) run(ctx context.Context) (uint64, error) {
	if err := u.steps(ctx); err != nil {
		return 0, u.fail(ctx, err)
	}
	if err := u.deleteBranch(ctx); err != nil {
		return 0, fmt.Errorf("the migration table %s is in production branch %s of %s, but %w; delete it with: psflow delete-branch --branch %s",
			u.table, u.prod, scope.OrgDatabase(u.s), err, SetupBranch)
	}
	return u.dr.Number, nil
}

// steps creates the branch and the table on it, then opens the deploy
// request and follows it to the end.
func (u *deploy) steps(ctx context.Context) error {
	if err := u.createBranch(ctx); err != nil {
		return err
	}
	if err := u.waitReady(ctx); err != nil {
		return err
	}
	if err := createTable(ctx, u.s, u.c, u.db, SetupBranch, u.table); err != nil {
		return err
	}
	if err := u.open(ctx); err != nil {
		return err
	}
	w := &planetscale.Waiter{What: fmt.Sprintf("deploy request #%d of %s", u.dr.Number, scope.OrgDatabase(u.s)), Logf: u.s.Logf}
	_, err := w.Wait(ctx, u.poll)
	return err
}

// createBranch creates the setup branch off production, or carries on with
// one an interrupted run left; a lost create is reconciled by a read.
func (u *deploy) createBranch(ctx context.Context) error {
	b, err := u.c.GetBranch(ctx, u.db, SetupBranch)
	switch {
	case err == nil && b.ParentBranch != u.prod:
		return step.Usagef("branch %s of %s exists already with parent %s, not %s; delete it (psflow delete-branch --branch %s) and run setup-migrations again",
			SetupBranch, scope.OrgDatabase(u.s), b.ParentBranch, u.prod, SetupBranch)
	case err == nil:
		u.adopted = true
		u.s.Logf("branch %s of %s exists already, left by an earlier run; carrying on with it", SetupBranch, scope.OrgDatabase(u.s))
		return nil
	case !planetscale.IsKind(err, planetscale.KindNotFound):
		return err
	}
	_, err = reconciled(ctx, u.s, "creating branch "+SetupBranch,
		func(ctx context.Context) (*planetscale.Branch, error) {
			return u.c.CreateBranch(ctx, u.db, planetscale.CreateBranch{Name: SetupBranch, Parent: u.prod})
		},
		func(ctx context.Context) (*planetscale.Branch, bool, error) {
			b, err := u.c.GetBranch(ctx, u.db, SetupBranch)
			if planetscale.IsKind(err, planetscale.KindNotFound) {
				return nil, false, nil
			}
			return b, err == nil, err
		})
	if err != nil {
		return err
	}
	u.created = true
	u.s.Logf("created branch %s of %s off %s", SetupBranch, scope.OrgDatabase(u.s), u.prod)
	return nil
}

// waitReady waits until the setup branch is ready.
func (u *deploy) waitReady(ctx context.Context) error {
	_, err := branchconn.WaitBranchReady(ctx, u.s, u.c, u.db, SetupBranch, 0)
	return err
}

// open opens the deploy request into production. A create whose answer
// was lost is reconciled by listing the branch's open requests.
func (u *deploy) open(ctx context.Context) error {
	if u.adopted {
		open, err := u.c.ListDeployRequests(ctx, u.db, planetscale.DeployFilter{State: planetscale.RequestOpen, Branch: SetupBranch})
		if err != nil {
			return err
		}
		if len(open) > 0 {
			u.dr = open[0]
			u.s.Logf("taking up deploy request #%d from %s into %s of %s", u.dr.Number, SetupBranch, u.dr.IntoBranch, scope.OrgDatabase(u.s))
			return nil
		}
	}
	dr, err := reconciled(ctx, u.s, "opening a deploy request from "+SetupBranch,
		func(ctx context.Context) (*planetscale.DeployRequest, error) {
			return u.c.CreateDeployRequest(ctx, u.db, planetscale.CreateDeploy{
				Branch: SetupBranch, Into: u.prod, AutoCutover: true,
				Notes: fmt.Sprintf("psflow setup-migrations: create the migration table %s", u.table),
			})
		},
		func(ctx context.Context) (*planetscale.DeployRequest, bool, error) {
			open, err := u.c.ListDeployRequests(ctx, u.db, planetscale.DeployFilter{State: planetscale.RequestOpen, Branch: SetupBranch})
			if err != nil || len(open) != 1 {
				return nil, false, err
			}
			return open[0], true, nil
		})
	if err != nil {
		return err
	}
	u.dr = dr
	u.s.Logf("opened deploy request #%d from %s into %s of %s", dr.Number, SetupBranch, u.prod, scope.OrgDatabase(u.s))
	return nil
}

// poll reads the deploy request and moves it on: it deploys a ready
// request, cuts over a pending one and ends the revert window.
func (u *deploy) poll(ctx context.Context) (string, bool, error) {
	dr, err := u.c.GetDeployRequest(ctx, u.db, u.dr.Number)
	if err != nil {
		return "", false, err
	}
	u.dr = dr
	state := dr.DeploymentState
	var call func(context.Context, string, uint64) (*planetscale.DeployRequest, error)
	var did string
	switch {
	case state == planetscale.StateComplete:
		return state, true, nil
	case state == planetscale.StateNoChanges:
		u.s.Logf("deploy request #%d of %s has no changes: production has the table already", dr.Number, scope.OrgDatabase(u.s))
		return state, true, nil
	case planetscale.FailedState(state):
		return state, false, u.failed(ctx, state)
	case state == planetscale.StateReady && dr.State != planetscale.RequestOpen:
		return state, false, fmt.Errorf("deploy request #%d of %s was closed before it was deployed", dr.Number, scope.OrgDatabase(u.s))
	case state == planetscale.StateReady && u.approval && !dr.Approved:
		if !u.waiting {
			u.waiting = true
			u.s.Logf("deploy request #%d of %s needs an approval: the database requires approval for deploys; waiting until an administrator other than its author approves it (%s)",
				dr.Number, scope.OrgDatabase(u.s), dr.HtmlURL)
		}
		return state, false, nil
	case state == planetscale.StateReady:
		if err := u.checkOperations(ctx); err != nil {
			return state, false, err
		}
		call, did, u.deployed = u.c.Deploy, "queued the deploy of", true
	case state == planetscale.StatePendingCutover:
		call, did = u.c.ApplyDeploy, "applied the cutover of"
	case state == planetscale.StateCompletePendingRevert:
		call, did = u.c.SkipRevert, "skipped the revert window of"
	default:
		return state, false, nil
	}
	next, err := call(ctx, u.db, dr.Number)
	switch {
	case err == nil:
		u.refused = 0
		u.s.Logf("%s deploy request #%d: now %s", did, dr.Number, next.DeploymentState)
		return next.DeploymentState, false, nil
	case planetscale.IsKind(err, planetscale.KindInvalid):
		if u.refusedQ != state {
			u.refused, u.refusedQ = 0, state
		}
		if u.refused++; u.refused >= maxRefusals {
			return state, false, err
		}
		u.s.Logf("the API refused to move deploy request #%d on from %s (%v); reading its state again", dr.Number, state, err)
		return state, false, nil
	}
	return state, false, err
}

var createTableRE = regexp.MustCompile(`(?i)^\s*CREATE\s+TABLE\b`)

// checkOperations refuses to deploy any statement of the request but the
// creation of the migration table.
func (u *deploy) checkOperations(ctx context.Context) error {
	ops, err := u.c.Operations(ctx, u.db, u.dr.Number)
	if err != nil {
		return err
	}
	var other []string
	for _, op := range ops {
		if op.Table != u.table || !createTableRE.MatchString(op.DDL) {
			other = append(other, strings.TrimSpace(op.DDL))
		}
	}
	if len(other) > 0 {
		return step.Usagef("deploy request #%d from %s of %s would do more than create the migration table %s (%s); it is not deployed: "+
			"close it, delete the branch (psflow delete-branch --branch %s) and run setup-migrations again",
			u.dr.Number, SetupBranch, scope.OrgDatabase(u.s), u.table, strings.Join(other, "; "), SetupBranch)
	}
	if len(ops) == 0 {
		return fmt.Errorf("deploy request #%d from %s of %s is ready but lists no statement", u.dr.Number, SetupBranch, scope.OrgDatabase(u.s))
	}
	return nil
}

// failed is the error for a deployment that ended in a failure state.
func (u *deploy) failed(ctx context.Context, state string) error {
	detail := ""
	if d, err := u.c.GetDeployment(ctx, u.db, u.dr.Number); err == nil && d.DeployCheckErrors != nil && *d.DeployCheckErrors != "" {
		detail = ": " + *d.DeployCheckErrors
	}
	return step.DeployFailedf("deploy request #%d of %s, which creates the migration table %s, ended in %s%s; see %s",
		u.dr.Number, scope.OrgDatabase(u.s), u.table, state, detail, u.dr.HtmlURL)
}

// cleanupBudget bounds the clean-up after a failure, which runs after
// the run's own deadline or SIGTERM too.
const cleanupBudget = time.Minute

// fail closes the request and deletes the branch after err, unless a
// deploy was taken, and says what is left to do.
func (u *deploy) fail(ctx context.Context, err error) error {
	if !u.created && !u.adopted {
		return err
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupBudget)
	defer cancel()
	if u.dr != nil {
		deploying, cerr := u.closeRequest(cctx)
		switch {
		case cerr != nil:
			return fmt.Errorf("%w; closing deploy request #%d failed too (%v): close it on PlanetScale, delete the branch (psflow delete-branch --branch %s), and run setup-migrations again",
				err, u.dr.Number, cerr, SetupBranch)
		case deploying:
			return fmt.Errorf("%w; deploy request #%d is deploying the table into %s: run setup-migrations again to see it through (it ends the revert window and deletes branch %s)",
				err, u.dr.Number, u.prod, SetupBranch)
		}
	}
	if !u.created {
		return fmt.Errorf("%w; branch %s, left by an earlier run, is kept: delete it (psflow delete-branch --branch %s) and run setup-migrations again",
			err, SetupBranch, SetupBranch)
	}
	if derr := u.deleteBranch(cctx); derr != nil {
		return fmt.Errorf("%w; cleaning up failed too (%v): delete the branch with: psflow delete-branch --branch %s", err, derr, SetupBranch)
	}
	return fmt.Errorf("%w; branch %s and its deploy request were removed, run setup-migrations again once that is fixed", err, SetupBranch)
}

// closeRequest closes the request unless its deploy was taken, which it
// reports.
func (u *deploy) closeRequest(ctx context.Context) (deploying bool, err error) {
	dr := u.dr
	if u.deployed {
		if dr, err = u.c.GetDeployRequest(ctx, u.db, dr.Number); err != nil {
			return false, err
		}
	}
	switch dr.DeploymentState {
	case planetscale.StatePending, planetscale.StateReady, planetscale.StateNoChanges:
	default:
		if !planetscale.FailedState(dr.DeploymentState) {
			return true, nil
		}
	}
	if dr.State == planetscale.RequestOpen {
		if _, err := u.c.CloseDeployRequest(ctx, u.db, dr.Number); err != nil {
			return false, err
		}
		u.s.Logf("closed deploy request #%d", dr.Number)
	}
	return false, nil
}

// deleteBranch deletes the setup branch; one already gone is fine.
func (u *deploy) deleteBranch(ctx context.Context) error {
	err := u.c.DeleteBranch(ctx, u.db, SetupBranch)
	if planetscale.IsKind(err, planetscale.KindNotFound) {
		if _, gerr := u.c.GetBranch(ctx, u.db, SetupBranch); planetscale.IsKind(gerr, planetscale.KindNotFound) {
			err = nil
		}
	}
	if err != nil {
		return fmt.Errorf("branch %s could not be deleted: %w", SetupBranch, err)
	}
	u.s.Logf("deleted branch %s of %s", SetupBranch, scope.OrgDatabase(u.s))
	return nil
}

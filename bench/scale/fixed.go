package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	ps "github.com/planetscale/planetscale-go/planetscale"

	"github.com/psflow/psflow/bench/internal/benchkit"
)

// Polling intervals of pscale's waits: branch create --wait checks every
// 5 s, deploy-request deploy --wait every second.
const (
	branchInterval = 5 * time.Second
	deployInterval = time.Second
)

// pscaleDone are the deployment states pscale's deploy --wait stops at; failed are those that
// end a deployment badly, where pscale would poll until its 5 minute timeout.
var (
	pscaleDone = []string{"complete", "complete_pending_revert", "pending_cutover"}
	failed     = []string{"complete_error", "error", "complete_cancel", "complete_revert", "complete_revert_error"}
)

// runFixed runs one lifecycle in process as pscale does, with the planetscale-go SDK and no
// retries: any API error, 429 included, ends the run.
func (s *scenario) runFixed(ctx context.Context, lc *lifecycle) error {
	c, err := ps.NewClient(ps.WithBaseURL(s.em.URL()), ps.WithServiceToken(s.em.TokenID(), s.em.Token()))
	if err != nil {
		return err
	}
	org, db, br := benchkit.Org, lc.database, lc.branch
	if _, err := c.DatabaseBranches.Create(ctx, &ps.CreateDatabaseBranchRequest{Organization: org, Database: db, Name: br, ParentBranch: "main"}); err != nil {
		return fmt.Errorf("create branch: %w", err)
	}
	err = every(ctx, branchInterval, func() (bool, error) {
		b, err := c.DatabaseBranches.Get(ctx, &ps.GetDatabaseBranchRequest{Organization: org, Database: db, Branch: br})
		if err != nil || !b.Ready {
			return false, err
		}
		lc.see(kindBranch, "ready")
		return true, nil
	})
	if err != nil {
		return fmt.Errorf("wait for the branch: %w", err)
	}
	if _, err := c.Passwords.Create(ctx, &ps.DatabaseBranchPasswordRequest{Organization: org, Database: db, Branch: br, Name: "ci"}); err != nil {
		return fmt.Errorf("create password: %w", err)
	}
	if err := s.exec(ctx, db, br, benchkit.SchemaChange); err != nil {
		return fmt.Errorf("schema change: %w", err)
	}
	dr, err := c.DeployRequests.Create(ctx, &ps.CreateDeployRequestRequest{Organization: org, Database: db, Branch: br, IntoBranch: "main", AutoCutover: true})
	if err != nil {
		return fmt.Errorf("create deploy request: %w", err)
	}
	lc.see(kindDeploy, dr.DeploymentState)
	get := &ps.GetDeployRequestRequest{Organization: org, Database: db, Number: dr.Number}
	poll := func(stop func(string) bool) func() (bool, error) {
		return func() (bool, error) {
			d, err := c.DeployRequests.Get(ctx, get)
			if err != nil {
				return false, err
			}
			lc.see(kindDeploy, d.DeploymentState)
			if slices.Contains(failed, d.DeploymentState) {
				return true, fmt.Errorf("deployment ended in %s", d.DeploymentState)
			}
			return stop(d.DeploymentState), nil
		}
	}
	if err := every(ctx, deployInterval, poll(func(st string) bool { return st != "pending" })); err != nil {
		return fmt.Errorf("wait for the diff: %w", err)
	}
	d, err := c.DeployRequests.Deploy(ctx, &ps.PerformDeployRequest{Organization: org, Database: db, Number: dr.Number})
	if err != nil {
		return fmt.Errorf("deploy: %w", err)
	}
	lc.see(kindDeploy, d.DeploymentState)
	if err := every(ctx, deployInterval, poll(func(st string) bool { return slices.Contains(pscaleDone, st) })); err != nil {
		return fmt.Errorf("wait for the deployment: %w", err)
	}
	if err := c.DatabaseBranches.Delete(ctx, &ps.DeleteDatabaseBranchRequest{Organization: org, Database: db, Branch: br}); err != nil {
		return fmt.Errorf("delete branch: %w", err)
	}
	return nil
}

// every calls check after each interval, as a ticker-driven wait does,
// until it reports done or fails.
func every(ctx context.Context, interval time.Duration, check func() (bool, error)) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		done, err := check()
		if err != nil || done {
			return err
		}
	}
}

// see records that the client noticed a state now, once per change.
func (lc *lifecycle) see(kind, state string) {
	for i := len(lc.obs) - 1; i >= 0; i-- {
		if lc.obs[i].kind == kind {
			if lc.obs[i].state == state {
				return
			}
			break
		}
	}
	lc.obs = append(lc.obs, observation{kind: kind, state: state, at: time.Now()})
}

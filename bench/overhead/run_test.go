package main

import (
	"context"
	"errors"
	"testing"
	"time"

	ps "github.com/planetscale/planetscale-go/planetscale"
	"gotest.tools/v3/assert"

	"github.com/psflow/psflow/bench/internal/benchkit"
)

// sdkStep is a step that drives the run's emulator through the SDK.
func sdkStep(name string, fn func(ctx context.Context, c *ps.Client) error) step {
	return step{name: name, run: func(ctx context.Context, r *run) error {
		c, err := ps.NewClient(ps.WithBaseURL(r.em.URL()), ps.WithServiceToken(r.em.TokenID(), r.em.Token()))
		if err != nil {
			return err
		}
		return fn(ctx, c)
	}}
}

// sdkFlow is the lifecycle in process: create, change, deploy, delete.
func sdkFlow(fail bool) flow {
	org := "acme"
	return flow{name: "sdk", steps: []step{
		sdkStep("create", func(ctx context.Context, c *ps.Client) error {
			_, err := c.DatabaseBranches.Create(ctx, &ps.CreateDatabaseBranchRequest{Organization: org, Database: database, Name: branch, ParentBranch: "main"})
			return err
		}),
		changeSchema,
		sdkStep("deploy", func(ctx context.Context, c *ps.Client) error {
			if fail {
				return errors.New("refused")
			}
			dr, err := c.DeployRequests.Create(ctx, &ps.CreateDeployRequestRequest{Organization: org, Database: database, Branch: branch, AutoCutover: true})
			if err != nil {
				return err
			}
			get := &ps.GetDeployRequestRequest{Organization: org, Database: database, Number: dr.Number}
			for dr.DeploymentState == "pending" {
				time.Sleep(10 * time.Millisecond)
				if dr, err = c.DeployRequests.Get(ctx, get); err != nil {
					return err
				}
			}
			_, err = c.DeployRequests.Deploy(ctx, &ps.PerformDeployRequest{Organization: org, Database: database, Number: dr.Number})
			for err == nil && dr.DeploymentState != "complete" {
				time.Sleep(10 * time.Millisecond)
				dr, err = c.DeployRequests.Get(ctx, get)
			}
			return err
		}),
		sdkStep("delete", func(ctx context.Context, c *ps.Client) error {
			return c.DatabaseBranches.Delete(ctx, &ps.DeleteDatabaseBranchRequest{Organization: org, Database: database, Branch: branch})
		}),
	}}
}

func TestRunFlow(t *testing.T) {
	t.Parallel()
	dsn := benchkit.TestDSN(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cfg := config{dsn: dsn, work: t.TempDir()}

	res := runFlow(ctx, cfg, sdkFlow(false), 0)
	assert.NilError(t, res.err)
	var names []string
	calls := 0
	for _, s := range res.steps {
		names = append(names, s.name)
		calls += s.calls
	}
	assert.DeepEqual(t, names, []string{"create", "deploy", "delete"})
	assert.Equal(t, calls, res.calls, "every call belongs to a timed step")
	assert.Equal(t, res.steps[0].calls, 1)
	assert.Equal(t, res.steps[2].calls, 1)
	assert.Equal(t, res.endState, "complete")
	assert.Assert(t, res.deployed, "the new column reached main")
	assert.Assert(t, res.total > 0 && res.total == res.steps[0].took+res.steps[1].took+res.steps[2].took)

	res = runFlow(ctx, cfg, sdkFlow(true), 1)
	assert.ErrorContains(t, res.err, "deploy: refused")
}

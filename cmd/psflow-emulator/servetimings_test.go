package main

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/pkg/emulator"
	"gotest.tools/v3/assert"
)

// TestServeDefaultsToObservableTimings: without --timings every asynchronous state can be
// seen, as on PlanetScale (issue 24, item 11).
func TestServeDefaultsToObservableTimings(t *testing.T) {
	t.Parallel()
	s := startServe(t, nil, "--safe-migrations", "main")
	ctx := context.Background()
	b, err := s.c.DatabaseBranches.Create(ctx, &ps.CreateDatabaseBranchRequest{Organization: "acme", Database: "app", Name: "probe", ParentBranch: "main"})
	assert.NilError(t, err)
	assert.Assert(t, !b.Ready, "a new branch must not be ready at once")

	s.featureBranch(t)
	dr, err := s.c.DeployRequests.Create(ctx, &ps.CreateDeployRequestRequest{Organization: "acme", Database: "app", Branch: "feature", IntoBranch: "main", AutoCutover: true})
	assert.NilError(t, err)
	assert.Equal(t, dr.DeploymentState, "pending")
	s.waitState(t, dr.Number, "ready")
	_, err = s.c.DeployRequests.Deploy(ctx, &ps.PerformDeployRequest{Organization: "acme", Database: "app", Number: dr.Number})
	assert.NilError(t, err)
	s.waitState(t, dr.Number, "complete")

	st := serveState(t, s)
	fast, err := emulator.ProfileTimings(emulator.ProfileFast)
	assert.NilError(t, err)
	assert.DeepEqual(t, st.Timings, fast)
	got := st.Databases[0].DeployRequests[0]
	assert.DeepEqual(t, got.History, []string{"pending", "ready", "queued", "submitting", "in_progress",
		"in_progress_cutover", "complete_pending_revert", "complete"})
	queued, deployed := got.Transitions[2].At, got.Transitions[6].At
	assert.Assert(t, deployed.Sub(queued) >= fast.Queue+fast.Submit+fast.InProgress+fast.Cutover,
		"queued at %s, deployed at %s: the states between must last", queued, deployed)
}

// serveState reads the emulator's state from its admin endpoint.
func serveState(t *testing.T, s served) emulator.State {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.url+"/__emulator/state", nil)
	assert.NilError(t, err)
	req.Header.Set("Authorization", "tok-id:tok-secret")
	resp, err := http.DefaultClient.Do(req)
	assert.NilError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, resp.StatusCode, http.StatusOK)
	var st emulator.State
	assert.NilError(t, json.NewDecoder(resp.Body).Decode(&st))
	return st
}

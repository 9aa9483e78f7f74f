package emulator_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"testing"

	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
)

// autoCutoverOf reads deployment.auto_cutover of deploy request n, which
// planetscale-go does not decode.
func (d drEnv) autoCutoverOf(t *testing.T, n uint64) bool {
	t.Helper()
	status, body := call(t, d.e, http.MethodGet, fmt.Sprintf("%s/deploy-requests/%d", dbPath(d.e, "app"), n), nil)
	assert.Equal(t, status, http.StatusOK, string(body))
	var dr struct {
		Deployment struct {
			AutoCutover *bool `json:"auto_cutover"`
		} `json:"deployment"`
	}
	assert.NilError(t, json.Unmarshal(body, &dr))
	assert.Assert(t, dr.Deployment.AutoCutover != nil, string(body))
	return *dr.Deployment.AutoCutover
}

// TestAutoCutoverInheritsThePreviousRequest: without auto_cutover a request takes the previous
// one's (planetscale/cli pull requests 1163, 1352), the first is gated, an explicit value wins.
func TestAutoCutoverInheritsThePreviousRequest(t *testing.T) {
	t.Parallel()
	e := emulatortest.Start(t)
	d := drEnv{e: e, c: client(t, e)}
	for _, b := range []string{"b1", "b2", "b3", "b4"} {
		d.branchWith(t, b, fmt.Sprintf("CREATE TABLE t_%s (id BIGINT NOT NULL PRIMARY KEY)", b))
	}
	create := func(branch string) uint64 {
		dr, err := d.c.DeployRequests.Create(ctx(t), &ps.CreateDeployRequestRequest{Organization: e.Org(), Database: "app", Branch: branch})
		assert.NilError(t, err)
		return dr.Number
	}

	first := create("b1")
	assert.Assert(t, !d.autoCutoverOf(t, first), "the database's first request is gated")
	_, err := d.c.DeployRequests.AutoApplyDeploy(ctx(t), &ps.AutoApplyDeployRequestRequest{Organization: e.Org(), Database: "app", Number: first, Enable: true})
	assert.NilError(t, err)
	assert.Assert(t, d.autoCutoverOf(t, first))

	inherited := create("b2")
	assert.Assert(t, d.autoCutoverOf(t, inherited), "inherits the previous request's setting as changed by auto-apply")
	d.wait(t, inherited, "ready")
	_, err = d.deploy(t, inherited)
	assert.NilError(t, err)
	d.wait(t, inherited, "complete")
	assert.Assert(t, !slices.Contains(e.DeployHistory("app", inherited), "pending_cutover"), "%v", e.DeployHistory("app", inherited))

	status, body := call(t, e, http.MethodPost, dbPath(e, "app")+"/deploy-requests",
		map[string]any{"branch": "b3", "into_branch": "main", "auto_cutover": false})
	assert.Equal(t, status, http.StatusCreated, string(body))
	assert.Assert(t, !d.autoCutoverOf(t, 3), "an explicit false wins")

	gated := create("b4")
	assert.Assert(t, !d.autoCutoverOf(t, gated), "inherits the explicit false")
	d.wait(t, gated, "ready")
	_, err = d.deploy(t, gated)
	assert.NilError(t, err)
	d.wait(t, gated, "pending_cutover")
}

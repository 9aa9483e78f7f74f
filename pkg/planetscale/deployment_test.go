package planetscale

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"gotest.tools/v3/assert"
)

var quickRetry = RetryPolicy{Initial: time.Millisecond, Max: time.Millisecond, MaxElapsed: time.Millisecond, AttemptTimeout: time.Second}

// A deploy queue longer than a page is read whole, in order.
func TestDeployQueueReadsEveryPage(t *testing.T) {
	t.Parallel()
	const total = 130
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, r.URL.Path, "/v1/organizations/acme/databases/app/deploy-queue")
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		perPage, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
		data := []map[string]any{}
		for i := (page - 1) * perPage; i < min(page*perPage, total); i++ {
			data = append(data, map[string]any{"deploy_request_number": i + 1, "into_branch": "main", "state": "queued"})
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"data": data})
	}, quickRetry)
	queue, err := c.DeployQueue(context.Background(), "app")
	assert.NilError(t, err)
	assert.Equal(t, len(queue), total)
	assert.Equal(t, queue[total-1].DeployRequestNumber, uint64(total))
	assert.Equal(t, queue[0].IntoBranch, "main")
}

// The deployment carries what keeps it from deploying and what is ahead
// of it, fields the SDK's deploy request does not all decode.
func TestGetDeploymentDecodesChecks(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, r.URL.Path, "/v1/organizations/acme/databases/app/deploy-requests/3/deployment")
		fmt.Fprint(w, `{"state":"error","deployable":false,`+
			`"deploy_check_errors":"conflict on users: both change email",`+"\n\t\t\t"+
			`"lint_errors":[{"lint_error":"NO_UNIQUE_KEY","table_name":"events",`+
			`"error_description":"no unique key"}],`+"\n\t\t\t"+
			`"preceding_deployments":[{"deploy_request_number":2,"state":"complete_pending_revert"}]}`)
	}, quickRetry)
	d, err := c.GetDeployment(context.Background(), "app", 3)
	assert.NilError(t, err)
	assert.Equal(t, d.State, "error")
	assert.Equal(t, d.Deployable, false)
	assert.Equal(t, *d.DeployCheckErrors, "conflict on users: both change email")
	assert.Equal(t, d.LintErrors[0].LintError, "NO_UNIQUE_KEY")
	assert.Equal(t, d.LintErrors[0].Table, "events")
	assert.Equal(t, d.PrecedingDeployments[0].DeployRequestNumber, uint64(2))
	assert.Equal(t, d.PrecedingDeployments[0].State, "complete_pending_revert")
}

func TestGetDatabaseReadsTheApprovalSetting(t *testing.T) {
	t.Parallel()
	for _, required := range []bool{true, false} {
		t.Run(strconv.FormatBool(required), func(t *testing.T) {
			t.Parallel()
			c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprintf(w, `{"name":"app","default_branch":"main","require_approval_for_deploy":%t}`, required)
			}, quickRetry)
			d, err := c.GetDatabase(context.Background(), "app")
			assert.NilError(t, err)
			assert.Equal(t, d.RequireApprovalForDeploy, required)
		})
	}
}

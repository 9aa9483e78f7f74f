package emulator_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

const branchEndpoint = "GET /v1/organizations/{organization}/databases/{database}/branches/{branch}"

func getMain(t *testing.T, c *ps.Client, e *emulator.Emulator) error {
	t.Helper()
	_, err := c.DatabaseBranches.Get(ctx(t), &ps.GetDatabaseBranchRequest{Organization: e.Org(), Database: "app", Branch: "main"})
	return err
}

func TestRateLimit(t *testing.T) {
	e := emulatortest.Start(t, emulatortest.WithRateLimit(3))
	c := client(t, e)
	for range 3 {
		assert.NilError(t, getMain(t, c, e))
	}
	res := doRequest(t, e, http.MethodGet, dbPath(e, "app"), nil, e.TokenID()+":"+e.Token())
	defer res.Body.Close()
	assert.Equal(t, res.StatusCode, http.StatusTooManyRequests)
	retry, err := strconv.Atoi(res.Header.Get("Retry-After"))
	assert.NilError(t, err)
	assert.Assert(t, retry >= 1 && retry <= 20, "Retry-After %d", retry)
	var body emulator.ErrorBody
	assert.NilError(t, json.NewDecoder(res.Body).Decode(&body))
	assert.Equal(t, body.Code, "rate_limited")

	status, _ := call(t, e, http.MethodGet, "/__emulator/state", nil)
	assert.Equal(t, status, http.StatusOK, "admin endpoints are not rate limited")
	status, body2 := call(t, e, http.MethodPut, "/__emulator/rate-limit", map[string]int{"per_minute": 0})
	assert.Equal(t, status, http.StatusOK, string(body2))
	assert.Equal(t, e.RateLimit(), 0)
	for range 10 {
		assert.NilError(t, getMain(t, c, e))
	}
}

func TestFaults(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		e := emulatortest.Start(t, opts...)
		c := client(t, e)
		pattern := "/v1/organizations/*/databases/*/branches/*"

		t.Run("status with count", func(t *testing.T) {
			f, err := e.AddFault(emulator.Fault{Method: "GET", Path: pattern, Status: 503, Count: 2})
			assert.NilError(t, err)
			assert.Assert(t, getMain(t, c, e) != nil)
			status, body := call(t, e, http.MethodGet, dbPath(e, "app")+"/branches/main", nil)
			assert.Equal(t, status, http.StatusServiceUnavailable)
			assert.Equal(t, apiErr(t, body).Code, "service_unavailable")
			assert.NilError(t, getMain(t, c, e), "fault should be used up")
			assert.Equal(t, len(e.Faults()), 0)
			reqs := e.Requests()
			assert.Equal(t, reqs[len(reqs)-2].Fault, f.ID)
			assert.Equal(t, reqs[len(reqs)-1].Fault, "")
		})

		t.Run("custom body and other methods untouched", func(t *testing.T) {
			_, err := e.AddFault(emulator.Fault{Method: "POST", Path: dbPath(e, "app") + "/branches", Status: 422,
				Body: `{"code":"unprocessable","message":"injected"}`})
			assert.NilError(t, err)
			assert.NilError(t, getMain(t, c, e))
			_, err = c.DatabaseBranches.Create(ctx(t), &ps.CreateDatabaseBranchRequest{Organization: e.Org(), Database: "app", Name: "x"})
			assert.ErrorContains(t, err, "injected")
			e.ClearFaults()
		})

		t.Run("delay", func(t *testing.T) {
			_, err := e.AddFault(emulator.Fault{Path: pattern, Delay: 300 * time.Millisecond, Count: 1})
			assert.NilError(t, err)
			start := time.Now()
			assert.NilError(t, getMain(t, c, e))
			assert.Assert(t, time.Since(start) >= 300*time.Millisecond)
		})

		t.Run("dropped connection", func(t *testing.T) {
			_, err := e.AddFault(emulator.Fault{Path: pattern, Drop: true, Count: 1})
			assert.NilError(t, err)
			err = getMain(t, c, e)
			assert.Assert(t, err != nil)
			assert.Equal(t, sdkCode(err), ps.ErrorCode(""), "no API error, a transport error: %v", err)
			reqs := e.Requests()
			assert.Equal(t, reqs[len(reqs)-1].Status, 0)
			assert.NilError(t, getMain(t, c, e))
		})

		t.Run("probability 0 and 1", func(t *testing.T) {
			never, err := e.AddFault(emulator.Fault{Path: pattern, Status: 500, Probability: emulator.Chance(0)})
			assert.NilError(t, err)
			for range 5 {
				assert.NilError(t, getMain(t, c, e))
			}
			assert.Assert(t, e.RemoveFault(never.ID))
			_, err = e.AddFault(emulator.Fault{Path: pattern, Status: 500, Probability: emulator.Chance(1)})
			assert.NilError(t, err)
			for range 5 {
				assert.Assert(t, getMain(t, c, e) != nil)
			}
			assert.Equal(t, e.Faults()[0].Hits, 5)
			e.ClearFaults()
		})

		t.Run("invalid faults", func(t *testing.T) {
			for _, f := range []emulator.Fault{
				{Path: "v1/x", Status: 500},
				{Path: "/v1/x"},
				{Path: "/v1/x", Status: 1000},
				{Path: "/v1/x", Status: 500, Drop: true},
				{Path: "/v1/x", Status: 500, Probability: emulator.Chance(2)},
			} {
				_, err := e.AddFault(f)
				assert.ErrorIs(t, err, emulator.ErrInvalidFault)
			}
		})
	})
}

func TestAdminEndpoints(t *testing.T) {
	e := emulatortest.Start(t)
	c := client(t, e)

	status, body := call(t, e, http.MethodPost, "/__emulator/faults",
		map[string]any{"method": "GET", "path": "/v1/organizations/*", "status": 500, "delay": "10ms", "count": 1})
	assert.Equal(t, status, http.StatusCreated, string(body))
	var f emulator.Fault
	assert.NilError(t, json.Unmarshal(body, &f))
	assert.Equal(t, f.Delay, 10*time.Millisecond)
	assert.Equal(t, f.ID, "fault-1")

	status, body = call(t, e, http.MethodGet, "/__emulator/faults", nil)
	assert.Equal(t, status, http.StatusOK)
	assert.Assert(t, is.Contains(string(body), `"delay":"10ms"`))
	_, err := c.Organizations.Get(ctx(t), &ps.GetOrganizationRequest{Organization: e.Org()})
	assert.Assert(t, err != nil)

	status, _ = call(t, e, http.MethodPost, "/__emulator/faults", map[string]any{"path": "/v1"})
	assert.Equal(t, status, http.StatusUnprocessableEntity)
	_, body = call(t, e, http.MethodPost, "/__emulator/faults", map[string]any{"path": "/v1/x", "status": 500})
	assert.NilError(t, json.Unmarshal(body, &f))
	status, _ = call(t, e, http.MethodDelete, "/__emulator/faults/"+f.ID, nil)
	assert.Equal(t, status, http.StatusNoContent)
	status, _ = call(t, e, http.MethodDelete, "/__emulator/faults/"+f.ID, nil)
	assert.Equal(t, status, http.StatusNotFound)

	for range 2 {
		assert.NilError(t, getMain(t, c, e))
	}
	status, body = call(t, e, http.MethodGet, "/__emulator/requests", nil)
	assert.Equal(t, status, http.StatusOK)
	var reqs emulator.RequestsView
	assert.NilError(t, json.Unmarshal(body, &reqs))
	assert.Equal(t, reqs.Counts[branchEndpoint], 2)
	assert.Equal(t, reqs.Counts["GET /v1/organizations/{organization}"], 1)
	assert.Equal(t, len(reqs.Requests), 3)
	assert.DeepEqual(t, e.Counts(), reqs.Counts)

	status, _ = call(t, e, http.MethodDelete, "/__emulator/requests", nil)
	assert.Equal(t, status, http.StatusNoContent)
	assert.Equal(t, len(e.Requests()), 0)

	status, body = call(t, e, http.MethodGet, "/__emulator/state", nil)
	assert.Equal(t, status, http.StatusOK)
	var st emulator.State
	assert.NilError(t, json.Unmarshal(body, &st))
	assert.Equal(t, st.Org, e.Org())
	assert.Equal(t, st.Databases[0].Branches[0].Name, "main")
	assert.Equal(t, st.RateLimit, emulator.DefaultRateLimit)
}

func TestRequestCounts(t *testing.T) {
	e := emulatortest.Start(t)
	c := client(t, e)
	for range 3 {
		assert.NilError(t, getMain(t, c, e))
	}
	_, err := c.DatabaseBranches.List(ctx(t), &ps.ListDatabaseBranchesRequest{Organization: e.Org(), Database: "app"})
	assert.NilError(t, err)
	status, _ := call(t, e, http.MethodGet, "/v1/unknown", nil)
	assert.Equal(t, status, http.StatusNotFound)
	assert.DeepEqual(t, e.Counts(), map[string]int{
		branchEndpoint: 3,
		"GET /v1/organizations/{organization}/databases/{database}/branches": 1,
		"GET /v1/unknown": 1,
	})
}

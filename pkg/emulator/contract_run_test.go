package emulator_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/psflow/psflow/pkg/emulator"
	"gopkg.in/yaml.v3"
	"gotest.tools/v3/assert"
	"gotest.tools/v3/poll"
)

// errorSchemaYAML is the error body of every API error: the spec documents error statuses without
// a body; reference/README.md gives the shape {"code","message"} and the codes.
const errorSchemaYAML = `
type: object
required: [code, message]
properties:
  code:
    type: string
    enum: [not_found, unauthorized, bad_request, invalid_params, unprocessable, schema_mutation_blocked]
  message:
    type: string
`

// specOmits lists error statuses the API answers for an operation that the spec does not
// document, each a documented behaviour of the real service (issue 4, reference/README.md).
var specOmits = map[string][]int{
	// Invalid or duplicate branch names are refused with 422.
	"create_branch": {http.StatusUnprocessableEntity},
	// A production branch cannot be deleted: 422.
	"delete_branch": {http.StatusUnprocessableEntity},
	// One open deploy request per branch and into branch: 422.
	"create_deploy_request": {http.StatusUnprocessableEntity},
	// Closing a closed deploy request: 422.
	"close_deploy_request": {http.StatusUnprocessableEntity},
	// Deploying a deploy request without changes: 422.
	"queue_deploy_request": {http.StatusUnprocessableEntity},
	// Skipping the revert window of a deploy that is not inside it: 422.
	"skip_revert_period": {http.StatusUnprocessableEntity},
	// A review whose state is neither approved nor commented, or an
	// approval of one's own request: 422, as the API refuses other
	// invalid values.
	"review_deploy_request": {http.StatusUnprocessableEntity},
}

// contractRow is one checked response, a row of the logged table.
type contractRow struct {
	op     string
	method string
	status int
	validation
}

// contractRun drives an emulator and checks every response against the
// spec.
type contractRun struct {
	t         *testing.T
	e         *emulator.Emulator
	spec      *specDoc
	errSchema *specSchema
	rows      []contractRow
}

func newContractRun(t *testing.T, e *emulator.Emulator, spec *specDoc) *contractRun {
	t.Helper()
	var s specSchema
	assert.NilError(t, yaml.Unmarshal([]byte(errorSchemaYAML), &s))
	return &contractRun{t: t, e: e, spec: spec, errSchema: &s}
}

// call sends a request for operation op with the service token, asserts the status is want,
// checks the body against the spec and returns it decoded.
func (c *contractRun) call(op string, want int, method, path string, body any) map[string]any {
	c.t.Helper()
	return c.callAs(op, want, method, path, body, c.e.TokenID()+":"+c.e.Token())
}

// callAs is call with the given Authorization header.
func (c *contractRun) callAs(op string, want int, method, path string, body any, auth string) map[string]any {
	c.t.Helper()
	o, ok := c.spec.op(op)
	assert.Assert(c.t, ok, "operation %s is not in the spec", op)
	route, _, _ := strings.Cut(path, "?")
	assert.Assert(c.t, o.Method == method && o.matches(route), "%s %s is not operation %s (%s /v1%s)", method, path, op, o.Method, o.Path)
	status, data := callWith(c.t, c.e, method, path, body, auth)
	assert.Equal(c.t, status, want, "%s %s: %s", method, path, data)
	row := contractRow{op: op, method: method, status: status}
	row.validation = c.checkResponse(o, status, data)
	c.rows = append(c.rows, row)
	for _, p := range row.problems {
		c.t.Errorf("%s %d (%s %s): %s", op, status, method, path, p)
	}
	if len(data) == 0 {
		return nil
	}
	var out map[string]any
	assert.NilError(c.t, json.Unmarshal(data, &out), string(data))
	return out
}

// checkResponse checks a response against what the spec says for its
// operation and status.
func (c *contractRun) checkResponse(o *specOp, status int, body []byte) validation {
	if status >= 400 {
		v := validateJSON(c.spec, c.errSchema, body)
		if !o.declares(status) && !slices.Contains(specOmits[o.ID], status) {
			v.problems = append(v.problems, fmt.Sprintf("status %d is neither in the spec nor in specOmits", status))
		}
		return v
	}
	if want, ok := o.successStatus(); !ok || want != status {
		return validation{problems: []string{fmt.Sprintf("status %d, the spec documents %d", status, want)}}
	}
	schema := o.schemaFor(status)
	if schema == nil {
		if len(body) != 0 {
			return validation{problems: []string{fmt.Sprintf("the spec documents no body, got %q", body)}}
		}
		return validation{}
	}
	return validateJSON(c.spec, schema, body)
}

// covered reports whether operation op was answered with its documented
// success status.
func (c *contractRun) covered(op string) bool {
	o, ok := c.spec.op(op)
	want, hasSuccess := o.successStatus()
	if !ok || !hasSuccess {
		return false
	}
	for _, r := range c.rows {
		if r.op == op && r.status == want {
			return true
		}
	}
	return false
}

// table renders the rows: operation, method, status, values checked and
// problems, one line per operation and status with the checks summed.
func (c *contractRun) table() string {
	type key struct {
		op     string
		status int
	}
	var order []key
	sums := map[key]*contractRow{}
	for _, r := range c.rows {
		k := key{r.op, r.status}
		if sums[k] == nil {
			order = append(order, k)
			sums[k] = &contractRow{op: r.op, method: r.method, status: r.status}
		}
		sums[k].checked += r.checked
		sums[k].problems = append(sums[k].problems, r.problems...)
		sums[k].extras = append(sums[k].extras, r.extras...)
	}
	slices.SortFunc(order, func(a, b key) int {
		if a.op != b.op {
			return strings.Compare(a.op, b.op)
		}
		return a.status - b.status
	})
	var sb strings.Builder
	w := tabwriter.NewWriter(&sb, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "operation\tmethod\tstatus\tfields checked\tproblems\tundocumented fields")
	for _, k := range order {
		r := sums[k]
		fmt.Fprintf(w, "%s\t%s\t%d\t%d\t%d\t%s\n", r.op, r.method, r.status, r.checked, len(r.problems), fieldNames(r.extras))
	}
	_ = w.Flush()
	return sb.String()
}

// arrayIndex matches the [n] of a JSON path.
var arrayIndex = regexp.MustCompile(`\[\d+\]`)

// fieldNames lists JSON paths once each, with array indexes as [].
func fieldNames(paths []string) string {
	seen := map[string]bool{}
	var out []string
	for _, p := range paths {
		p = arrayIndex.ReplaceAllString(p, "[]")
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}

// contractPoll is how often a contract run polls: 10 times a second, the rate the token gets
// back, so a wait never spends the 600 a minute the contract's own calls need.
const contractPoll = 100 * time.Millisecond

// waitDeployState polls a deploy request until its deployment state is want; the polls are not
// part of the contract rows.
func (c *contractRun) waitDeployState(number int, want string) {
	c.t.Helper()
	path := drPath(c.e, number)
	poll.WaitOn(c.t, func(poll.LogT) poll.Result {
		status, data := call(c.t, c.e, http.MethodGet, path, nil)
		var dr struct {
			DeploymentState string `json:"deployment_state"`
		}
		if err := json.Unmarshal(data, &dr); status != http.StatusOK || err != nil {
			return poll.Error(fmt.Errorf("get deploy request %v: %d %s", number, status, data))
		}
		if dr.DeploymentState != want {
			return poll.Continue("deploy request %v is %s, want %s", number, dr.DeploymentState, want)
		}
		return poll.Success()
	}, poll.WithDelay(contractPoll), poll.WithTimeout(30*time.Second))
}

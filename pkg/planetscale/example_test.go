package planetscale_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/psflow/psflow/pkg/planetscale"
)

// A Client speaks to the PlanetScale API, or to an emulator or a test
// server at APIURL; here a server with one open deploy request.
func ExampleClient_ListDeployRequests() {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"data":[{"number":3,"branch":"pr-7","into_branch":"main","state":"open","deployment_state":"ready"}]}`)
	}))
	defer api.Close()
	c, err := planetscale.New(planetscale.Config{APIURL: api.URL, Org: "acme", TokenID: "id", Token: "secret"})
	if err != nil {
		fmt.Println(err)
		return
	}
	open, err := c.ListDeployRequests(context.Background(), "app", planetscale.DeployFilter{State: planetscale.RequestOpen})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, dr := range open {
		fmt.Printf("#%d %s → %s: %s\n", dr.Number, dr.Branch, dr.IntoBranch, dr.DeploymentState)
	}
	// Output:
	// #3 pr-7 → main: ready
}

// An API error keeps the API's code and message and has a Kind: a 404
// fails at once, where a 5xx or a 429 would be retried.
func ExampleIsKind() {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"code":"not_found","message":"Not Found"}`)
	}))
	defer api.Close()
	c, err := planetscale.New(planetscale.Config{APIURL: api.URL, Org: "acme", TokenID: "id", Token: "secret"})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = c.GetBranch(context.Background(), "app", "pr-7")
	fmt.Println(planetscale.IsKind(err, planetscale.KindNotFound), planetscale.Transient(err))
	// Output:
	// true false
}

// Branch names follow psflow's rules: pr-<n> for a pull request, else
// the CI's branch made safe for PlanetScale.
func ExampleBranchName() {
	fmt.Println(planetscale.PRBranch(7))
	fmt.Println(planetscale.BranchName("feature/Add_Rooms"))
	// Output:
	// pr-7
	// feature-add-rooms
}

// The deployment states say where a deploy stands.
func ExampleFailedState() {
	for _, state := range []string{planetscale.StateComplete, planetscale.StateCompleteRevert, planetscale.StateQueued} {
		fmt.Println(state, planetscale.FailedState(state), planetscale.Deploying(state))
	}
	// Output:
	// complete false false
	// complete_revert true false
	// queued false true
}

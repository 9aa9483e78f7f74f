package gh_test

import (
	"fmt"

	"github.com/psflow/psflow/pkg/gh"
)

// The sticky comment of a deploy request is found again by its key.
func ExampleDeployRequestKey() {
	owner, name, err := gh.SplitRepo("acme/bookings-api")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(owner, name, gh.DeployRequestKey("app", "pr-12"))
	// Output: acme bookings-api deploy-request:app:pr-12
}

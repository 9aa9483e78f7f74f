package branchconn

import (
	"strings"
	"testing"

	"github.com/psflow/psflow/pkg/planetscale"
	"gotest.tools/v3/assert"
)

// TestPasswordKindOwns checks which passwords a kind takes for psflow's:
// its own names, CI's names from before the kinds, and nobody else's.
func TestPasswordKindOwns(t *testing.T) {
	t.Parallel()
	ci := PasswordKind{Purpose: PurposeCI, Role: "admin"}
	seed := PasswordKind{Purpose: PurposeSeed, Role: "admin"}
	cases := []struct {
		kind   PasswordKind
		branch string
		name   string
		role   string
		want   bool
	}{
		{ci, "pr-3", ci.NewName(), "admin", true},
		{ci, "pr-3", "psflow-pr-3-1712345678901234567", "admin", true}, // psflow before the kinds
		{ci, "pr-3", "psflow-pr-3-1712345678901234567", "reader", false},
		{ci, "pr-3", "psflow-pr-4-1712345678901234567", "admin", false},
		{ci, "pr-3", "psflow-ci-reader-1712345678901234567", "reader", false},
		{ci, "pr-3", "psflow-ci-admin-1712345678901234567", "reader", false}, // the API's role wins
		{ci, "pr-3", "psflow-ci-admin-", "admin", false},
		{ci, "pr-3", "psflow-ci-admin-mine", "admin", false},
		{ci, "pr-3", "psflow-ci-admin-1712345678901234567-x", "admin", false},
		{ci, "pr-3", "my-laptop", "admin", false},
		{ci, "pr-3", seed.NewName(), "admin", false},
		{ci, "seed-admin", "psflow-seed-admin-1712345678901234567", "admin", false}, // a seed run's, not an old CI one
		{seed, "pr-3", seed.NewName(), "admin", true},
		{seed, "pr-3", "psflow-pr-3-1712345678901234567", "admin", false},
		{PasswordKind{Purpose: PurposeCI, Role: "writer"}, "pr-3", "psflow-ci-readwriter-1712345678901234567", "", false},
	}
	for _, tc := range cases {
		got := tc.kind.Owns(&planetscale.Password{Name: tc.name, Role: tc.role}, tc.branch)
		assert.Check(t, got == tc.want, "%v owns %s (%s) on %s: %v", tc.kind, tc.name, tc.role, tc.branch, got)
	}
	assert.Check(t, strings.HasPrefix(ci.NewName(), "psflow-ci-admin-"))
}

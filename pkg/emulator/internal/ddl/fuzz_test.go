package ddl

import (
	"os"
	"testing"
)

// FuzzDiff checks Diff and Lint do not panic and an accepted schema diffs to nothing
// against itself; the seeds are large, so fuzz with -fuzzminimizetime 1x.
func FuzzDiff(f *testing.F) {
	for _, flavor := range flavors {
		for _, tc := range diffCases {
			base, errBase := os.ReadFile(inputPath(flavor, tc, "base"))
			branch, errBranch := os.ReadFile(inputPath(flavor, tc, "branch"))
			if errBase != nil || errBranch != nil {
				f.Fatalf("read seed samples of %s/%s: %v %v", flavor, tc.name, errBase, errBranch)
			}
			f.Add(string(base), string(branch))
		}
	}
	f.Add(table("  `u` varchar(36) DEFAULT uuid()", utf8mb4Opts), table("  `e` enum('a','b') NOT NULL DEFAULT '2'", utf8mb4Opts))
	f.Add("CREATE VIEW `v` AS select `db`.`t`.`id` AS `id` from `db`.`t`", "CREATE TABLE `t` (`id` int)")
	f.Fuzz(func(t *testing.T, base, branch string) {
		baseStmts, branchStmts := splitStatements(base), splitStatements(branch)
		_, _ = Lint(branchStmts)
		if _, err := Diff(baseStmts, branchStmts); err != nil {
			return
		}
		self, err := Diff(branchStmts, branchStmts)
		if err != nil {
			t.Fatalf("branch schema diffed once but not against itself: %v", err)
		}
		if !self.Empty() {
			t.Fatalf("branch schema differs from itself: %q", self.Statements())
		}
	})
}

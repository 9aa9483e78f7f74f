// Package deletebranch is the delete-branch action: delete the PR's branch,
// or sweep stale PR branches, never a production or default branch.
package deletebranch

import (
	"github.com/psflow/psflow/internal/scope"
	"github.com/psflow/psflow/pkg/step"
)

// Action declares delete-branch.
var Action = &step.Action{
	Name:        "delete-branch",
	Description: "Delete the pull request's database branch, or sweep stale PR branches.",
	Icon:        "trash-2",
	Inputs: scope.Inputs(
		scope.BranchInput,
		step.Input{Name: "sweep", Description: "Delete every stale branch matching prefix instead of one branch.", Kind: step.Bool, Default: "false"},
		step.Input{Name: "prefix", Description: "Sweep: only branches whose name starts with this.", Default: "pr-"},
		step.Input{Name: "older_than", Description: "Sweep: only branches created longer ago than this.", Kind: step.Duration, Default: "72h"},
		step.Input{Name: "keep", Description: "Sweep: branch names never to delete.", Kind: step.List},
		step.Input{Name: "github_token", Description: "Sweep: with a token, delete only branches whose pull request is closed.", Secret: true},
		step.Input{Name: "repository", Description: "Sweep: owner/name of the pull requests. Default: the run's repository, when it is on GitHub."},
		step.Input{Name: "github_api_url", Description: "GitHub API URL.", Default: "https://api.github.com", Env: "GITHUB_API_URL"},
		step.Input{Name: "dry_run", Description: "Print what would be deleted and delete nothing.", Kind: step.Bool, Default: "false"},
	),
	Outputs: []step.Output{
		{Name: "deleted", Description: "Deleted branch names, one per line (would-be deleted on a dry run)."},
	},
	Run: run,
}

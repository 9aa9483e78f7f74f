// Package createbranch is the create-branch action: get or create the PR's
// database branch, wait until it is ready and mint short-lived credentials.
package createbranch

import (
	"github.com/psflow/psflow/internal/branchconn"
	"github.com/psflow/psflow/internal/scope"
	"github.com/psflow/psflow/pkg/step"
)

// Action declares create-branch.
var Action = &step.Action{
	Name:        "create-branch",
	Description: "Get or create a database branch for the pull request, wait until it is ready and output credentials.",
	Icon:        "git-branch",
	Inputs: scope.Inputs(
		scope.BranchInput,
		step.Input{Name: "parent_branch", Description: "Branch to branch off. Default: the database's default branch."},
		step.Input{Name: "region", Description: "Region of the new branch. Default: the database's region."},
		step.Input{Name: "seed_data", Description: "Set to last_successful_backup to copy the parent's data from its newest backup (Data Branching).", Kind: step.Choice, Choices: []string{"last_successful_backup"}},
		step.Input{Name: "backup_id", Description: "Restore this backup's data into the new branch (Data Branching)."},
		step.Input{Name: "cluster_size", Description: "Cluster size of the new branch (PS_10, PS_20, …). With seed_data or backup_id the default is PS_10, " +
			"as pscale branch create sends (the API requires a size with backup_id); otherwise PlanetScale picks."},
		step.Input{Name: "wait", Description: "Wait until the branch is ready.", Kind: step.Bool, Default: "true"},
		step.Input{Name: "timeout", Description: "How long to wait for the branch.", Kind: step.Duration, Default: "10m"},
		step.Input{Name: "create_password", Description: "Create a password and output connection details; it replaces the one an earlier run made for this branch and role.", Kind: step.Bool, Default: "true"},
		step.Input{Name: "password_role", Description: "Role of the password.", Kind: step.Choice, Choices: []string{"reader", "writer", "readwriter", "admin"}, Default: "admin"},
		step.Input{Name: "password_ttl", Description: "Lifetime of the password.", Kind: step.Duration, Default: "6h"},
		branchconn.MySQLCAInput,
	),
	Outputs: append([]step.Output{
		{Name: "branch", Description: "Branch name.", HandOver: true},
		{Name: "created", Description: "true when this run created the branch, false when it already existed."},
		{Name: "html_url", Description: "Branch page on PlanetScale."},
	}, branchconn.CredentialOutputs...),
	Run: run,
}

// Package opendeployrequest is the open-deploy-request action: get or open
// the branch's deploy request, wait for its diff and report it on the PR.
package opendeployrequest

import (
	"github.com/psflow/psflow/internal/scope"
	"github.com/psflow/psflow/pkg/step"
)

// Action declares open-deploy-request.
var Action = &step.Action{
	Name:        "open-deploy-request",
	Description: "Get or open a deploy request for the branch, wait for its diff and post it on the pull request.",
	Icon:        "git-pull-request",
	Inputs: scope.Inputs(
		scope.BranchInput,
		step.Input{Name: "into", Description: "Branch to deploy into. Default: the branch's parent."},
		step.Input{Name: "notes", Description: "Deploy request notes. Default: the pull request's title and link."},
		step.Input{Name: "auto_cutover", Description: "Cut over as soon as the deployment is ready.", Kind: step.Bool, Default: "true"},
		step.Input{Name: "auto_delete_branch", Description: "Delete the branch once deployed.", Kind: step.Bool, Default: "false"},
		step.Input{Name: "wait_for_diff", Description: "Wait until the schema diff is computed.", Kind: step.Bool, Default: "true"},
		step.Input{Name: "timeout", Description: "How long to wait for the diff.", Kind: step.Duration, Default: "10m"},
		step.Input{Name: "comment", Description: "Post or update one sticky comment on the pull request.", Kind: step.Bool, Default: "true"},
		step.Input{Name: "github_token", Description: "Token for the pull request comment.", Secret: true},
		step.Input{Name: "comment_author", Description: "GitHub login psflow's pull request comments are by: only its comments carry a record of what was " +
			"reported that wait-and-deploy trusts. Default: the github_token's user (GET /user), or " +
			"github-actions[bot] for an installation token such as GITHUB_TOKEN; set <app-slug>[bot] for a GitHub " +
			"App's token."},
		step.Input{Name: "github_api_url", Description: "GitHub API URL.", Default: "https://api.github.com", Env: "GITHUB_API_URL"},
		step.Input{Name: "fail_on", Description: "Fail (exit 1), after reporting, when: destructive (the diff can lose data), lint (the branch has " +
			"lint findings), conflict (the request cannot deploy: its changes collide with the target's), " +
			"lint_error (the request cannot deploy: lint errors). Comma separated; none fails on nothing.", Kind: step.List, Default: "none"},
		step.Input{Name: "close_if_no_changes", Description: "Close the deploy request when there is nothing to deploy.", Kind: step.Bool, Default: "false"},
	),
	Outputs: []step.Output{
		{Name: "number", Description: "Deploy request number.", HandOver: true},
		{Name: "url", Description: "Deploy request page."},
		{Name: "deployment_state", Description: "Deployment state, e.g. ready or no_changes."},
		{Name: "has_changes", Description: "true when the deploy request changes the schema."},
		{Name: "destructive", Description: "true when the diff drops a table, column or index, or narrows a column."},
		{Name: "diff", Description: "The DDL the deploy request will run."},
		{Name: "deployable", Description: "true when PlanetScale can deploy the request (no conflicts, no lint errors); empty while the diff is pending and once the deployment has started."},
		{Name: "conflicts", Description: "What collides with the target (deploy_check_errors), one per line."},
		{Name: "lint_errors", Description: "Lint errors that keep the request from deploying, one per line."},
		{Name: "approval_required", Description: "true when the database requires an approval before a deploy."},
		{Name: "approved", Description: "true when the request is approved."},
		{Name: "queue_ahead", Description: "Deployments ahead in the target branch's deploy queue."},
		{Name: "reported_diff", Description: "A record of the statements reported (digests and first characters), for wait-and-deploy's reported_diff input; empty while the diff is pending.", HandOver: true},
	},
	Run: run,
}

// Package waitanddeploy is the wait-and-deploy action: queue a deploy
// request and follow its deployment to the end.
package waitanddeploy

import (
	"github.com/psflow/psflow/internal/scope"
	"github.com/psflow/psflow/pkg/step"
)

// Action declares wait-and-deploy.
var Action = &step.Action{
	Name:        "wait-and-deploy",
	Description: "Deploy a deploy request and follow every deployment state to the end.",
	Icon:        "upload-cloud",
	Inputs: scope.Inputs(
		step.Input{Name: "number", Description: "Deploy request number. Default: the open deploy request of branch, else its last deployed one.", Kind: step.Int},
		scope.BranchInput,
		step.Input{Name: "deploy", Description: "Queue the deploy when it is ready (false only waits).", Kind: step.Bool, Default: "true"},
		step.Input{Name: "apply_cutover", Description: "Apply the cutover when the deployment waits in pending_cutover.", Kind: step.Bool, Default: "true"},
		step.Input{Name: "revert_window", Description: "leave: succeed while revert is possible; skip: end the window; wait: wait for it to close.", Kind: step.Choice, Choices: []string{"leave", "skip", "wait"}, Default: "leave"},
		step.Input{Name: "timeout", Description: "How long to follow the deployment.", Kind: step.Duration, Default: "60m"},
		step.Input{Name: "on_timeout", Description: "What happens to a queued or running deployment when the step stops without it (the timeout passes, " +
			"or another request's failed deploy blocks the queue): cancel it, so that a failed job never deploys " +
			"later; or leave it to deploy when its turn comes. The step says which.", Kind: step.Choice, Choices: []string{"cancel", "leave"}, Default: "cancel"},
		step.Input{Name: "skip_revert_ahead", Description: "When a deployment in its revert window holds the deploy queue ahead of this one, end that window (it can no longer be reverted) so that this one deploys; false waits for the window to close.", Kind: step.Bool, Default: "true"},
		step.Input{Name: "unblock_queue", Description: "When another request's failed deploy or revert blocks the deploy queue, unblock it (complete-deploy, " +
			"as pscale deploy-request unblock) and go on; by default the step stops (exit 4), naming that " +
			"request.", Kind: step.Bool, Default: "false"},
		step.Input{Name: "comment", Description: "Update the pull request's sticky comment.", Kind: step.Bool, Default: "true"},
		step.Input{Name: "github_token", Description: "Token to read and update the pull request's sticky comment.", Secret: true},
		step.Input{Name: "comment_author", Description: "GitHub login psflow's pull request comments are by: only its comments carry a record of what was " +
			"reported that wait-and-deploy trusts. Default: the github_token's user (GET /user), or " +
			"github-actions[bot] for an installation token such as GITHUB_TOKEN; set <app-slug>[bot] for a GitHub " +
			"App's token."},
		step.Input{Name: "github_api_url", Description: "GitHub API URL.", Default: "https://api.github.com", Env: "GITHUB_API_URL"},
		step.Input{Name: "reported_diff", Description: "What open-deploy-request reported (its reported_diff output); the deploy is refused when the " +
			"request's statements differ. Default: the record in the pull request's sticky comment on GitHub, " +
			"else in the deploy request's review by open-deploy-request."},
		step.Input{Name: "allow_unchecked", Description: "Deploy, with a warning, when nothing readable records what open-deploy-request reported (no record, " +
			"GitHub unreachable, the record's comment or review not written by psflow's identity); by default " +
			"such a deploy is refused (exit 4).", Kind: step.Bool, Default: "false"},
		step.Input{Name: "allow_changed_diff", Description: "Deploy even when the statements differ from what open-deploy-request reported, or gained destructive changes since.", Kind: step.Bool, Default: "false"},
	),
	Outputs: []step.Output{
		{Name: "number", Description: "Deploy request number."},
		{Name: "url", Description: "Deploy request page."},
		{Name: "deployment_state", Description: "Final deployment state."},
		{Name: "duration_s", Description: "Seconds from deploy to the final state."},
	},
	Run: run,
}

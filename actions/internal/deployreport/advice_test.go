package deployreport

import (
	"testing"

	"github.com/psflow/psflow/pkg/runctx"
	"gotest.tools/v3/assert"
)

func TestPROf(t *testing.T) {
	t.Parallel()
	cases := []struct {
		rc   runctx.Context
		want PR
	}{
		{runctx.Context{PullRequest: 3, BaseRef: "main", Event: runctx.Opened}, PR{Stage: BeforeMerge, Base: "main"}},
		{runctx.Context{PullRequest: 3, BaseRef: "main", Event: runctx.Updated}, PR{Stage: BeforeMerge, Base: "main"}},
		{runctx.Context{PullRequest: 3, Event: "ready_for_review"}, PR{Stage: BeforeMerge}},
		{runctx.Context{PullRequest: 3, BaseRef: "main", Event: runctx.Merged}, PR{Stage: AfterMerge, Base: "main"}},
		{runctx.Context{PullRequest: 3, BaseRef: "main", Event: runctx.Closed}, PR{Base: "main"}},
		{runctx.Context{PullRequest: 3, Event: runctx.Unreported}, PR{}},
		{runctx.Context{HeadRef: "main", Event: runctx.Push}, PR{}},
	}
	for _, tc := range cases {
		assert.DeepEqual(t, prOf(tc.rc), tc.want)
	}
}

// Every remedy names the branch and fits the pull request's stage: a push before
// the merge, seed-branch again (the job re-run) after it.
func TestRemedy(t *testing.T) {
	t.Parallel()
	conflict := Readiness{Conflicts: []string{"conflict on users"}}
	lint := Readiness{LintErrors: []string{"NO_UNIQUE_KEY on `t`"}}
	both := Readiness{Conflicts: conflict.Conflicts, LintErrors: lint.LintErrors}
	open, merged, unknown := PR{Stage: BeforeMerge, Base: "main"}, PR{Stage: AfterMerge, Base: "main"}, PR{}
	cases := []struct {
		name string
		g    Readiness
		pr   PR
		want string
	}{
		{"conflict before the merge", conflict, open,
			"the schema of main changed since branch pr-3 was created: merge main into the pull request and push: seed-branch brings pr-3 onto main as it is now"},
		{"conflict after the merge", conflict, merged,
			"the schema of main changed since branch pr-3 was created: run seed-branch again with the merged files (it brings pr-3 onto main as it is now), " +
				"then open-deploy-request and wait-and-deploy; re-running this job does all three"},
		{"conflict, stage unknown", conflict, unknown,
			"the schema of main changed since branch pr-3 was created: run seed-branch again (it brings pr-3 onto main as it is now; " +
				"while the pull request is open, merge its base branch into it first), then open-deploy-request and wait-and-deploy"},
		{"lint errors before the merge", lint, open,
			"fix the lint errors in the pull request's files and push: seed-branch makes branch pr-3 match them"},
		{"lint errors after the merge", both, merged,
			"the merged files have lint errors: fix them in a new pull request, whose branch, made off main as it is then, deploys these changes too"},
		{"lint errors, stage unknown", lint, unknown,
			"fix the lint errors in the files, run seed-branch again (it makes branch pr-3 match them), then open-deploy-request and wait-and-deploy"},
		{"both before the merge", both, open,
			"the schema of main changed since branch pr-3 was created, and the files have lint errors: fix them, then merge main into the pull request and push: " +
				"seed-branch brings pr-3 onto main as it is now"},
		{"nothing known", Readiness{}, open, "see the deploy request on PlanetScale for why main cannot take it"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.g.Remedy("pr-3", "main", tc.pr), tc.want)
		})
	}
}

package deployreport

import (
	"testing"
	"time"

	"github.com/psflow/psflow/actions/internal/reporteddiff"
	"github.com/psflow/psflow/pkg/planetscale"
	"gotest.tools/v3/assert"
	"gotest.tools/v3/golden"
)

func TestMarkdown(t *testing.T) {
	t.Parallel()
	at := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	full := Report{
		OrgDatabase: "acme/app", Branch: "pr-7", Into: "main", Number: 3,
		URL:   "https://app.planetscale.com/acme/app/deploy-requests/3",
		State: "ready",
		Statements: []string{
			"ALTER TABLE `users` DROP COLUMN `bio`",
			"CREATE TABLE `posts` (\n\t`id` bigint NOT NULL,\n\t`body` text COMMENT 'has ``` inside',\n\tPRIMARY KEY (`id`)\n)",
		},
		Destructive: []string{"drops column `users`.`bio`"},
		Lint: []*planetscale.LintError{{
			LintError: "NO_UNIQUE_KEY", Table: "logs", ErrorDescription: "table has no | unique key\nat all",
			DocsURL: "https://planetscale.com/docs/no-unique-key",
		}},
	}
	deployed := full
	deployed.State, deployed.Closed, deployed.Lint, deployed.NoLint = "complete", true, nil, true
	deployed.Timeline = []Event{
		{State: "ready", At: at, After: 0},
		{State: "queued", At: at.Add(300 * time.Millisecond), After: 300 * time.Millisecond},
		{State: "complete", At: at.Add(42 * time.Second), After: 42 * time.Second},
	}
	deployed.Outcome = "**Deployed.**"
	rec := reporteddiff.New(6, []string{"ALTER TABLE `users` MODIFY COLUMN `email` int"}, nil)
	blocked := Report{
		OrgDatabase: "acme/app", Database: "app", Branch: "pr-11", Into: "main", Number: 6, URL: "https://x/6", State: "error",
		Statements: []string{"ALTER TABLE `users` MODIFY COLUMN `email` int"},
		Readiness: &Readiness{
			Conflicts:        []string{"conflict on users: both change `email`; this branch: int; deployed since it was created: varchar(255)"},
			LintErrors:       []string{"NO_UNIQUE_KEY on `logs`: table has no unique key"},
			ApprovalRequired: true,
			Ahead:            []Ahead{{Number: 4, State: "in_progress"}, {Number: 5, State: "complete_pending_revert"}},
		},
		Reported: &rec,
		PR:       PR{Stage: BeforeMerge, Base: "main"},
	}
	queued := Report{
		OrgDatabase: "acme/app", Database: "app", Branch: "pr-12", Into: "main", Number: 7, State: "queued",
		Statements: []string{"CREATE TABLE `t` (`id` int)"}, NoLint: true,
		Readiness: &Readiness{Deployable: true, ApprovalRequired: true, Approved: true, Ahead: []Ahead{{Number: 5, State: "pending_cutover"}},
			Unknown: []string{"the deploy queue of main (unavailable)"}},
	}
	cases := []struct {
		name string
		r    Report
	}{
		{"blocked", blocked},
		{"queued", queued},
		{"full", full},
		{"deployed", deployed},
		{"no_changes", Report{OrgDatabase: "acme/app", Branch: "pr-8", Into: "main", Number: 4, URL: "https://x/4", State: planetscale.StateNoChanges, Closed: true, Lint: full.Lint}},
		{"pending", Report{OrgDatabase: "acme/app", Branch: "pr-9", Into: "main", Number: 5, State: "pending", LintProblem: "get lint: unavailable (HTTP 503)"}},
		{"clean", Report{OrgDatabase: "acme/app", Branch: "pr-10", Into: "main", Number: 6, URL: "https://x/6", State: "ready", Statements: []string{"CREATE TABLE `t` (`id` int)"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			golden.Assert(t, Markdown(tc.r), tc.name+".md")
		})
	}
}

func TestFenceFor(t *testing.T) {
	t.Parallel()
	assert.Equal(t, fenceFor("SELECT 1"), "```")
	assert.Equal(t, fenceFor("a ``` b"), "````")
	assert.Equal(t, fenceFor("`x` ````` y"), "``````")
}

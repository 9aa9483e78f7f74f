package deletebranch_test

import (
	"context"
	"slices"
	"testing"

	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/internal/ghfake"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

func createBranches(t *testing.T, c *ps.Client, names ...string) {
	t.Helper()
	for _, n := range names {
		_, err := c.DatabaseBranches.Create(context.Background(), &ps.CreateDatabaseBranchRequest{Organization: "acme", Database: "app", Name: n, ParentBranch: "main"})
		assert.NilError(t, err)
	}
}

func branchNames(t *testing.T, c *ps.Client) []string {
	t.Helper()
	list, err := c.DatabaseBranches.List(context.Background(), &ps.ListDatabaseBranchesRequest{Organization: "acme", Database: "app"})
	assert.NilError(t, err)
	var names []string
	for _, b := range list {
		names = append(names, b.Name)
	}
	slices.Sort(names)
	return names
}

func TestDeleteBranch(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		em := emulatortest.Start(t, opts...)
		c := actiontest.SDK(t, em)
		createBranches(t, c, "pr-1", "pr-2")
		env := actiontest.Env(em, "app")
		env["GITHUB_EVENT_PATH"] = actiontest.PullRequestEvent(t, "closed", 1, false)
		storageDB, ok := em.BranchDatabase("app", "pr-1")
		assert.Assert(t, ok)

		r := actiontest.Exec(t, env, "delete-branch")
		r.Assert(t, icmd.Success)
		assert.Equal(t, r.Outputs["deleted"], "pr-1")
		assert.DeepEqual(t, branchNames(t, c), []string{"main", "pr-2"})
		_, err := em.Storage().Schema(context.Background(), storageDB)
		assert.Assert(t, err != nil, "the branch's MySQL database outlived the branch")

		// Idempotent: deleting it again is success with nothing deleted.
		r = actiontest.Exec(t, env, "delete-branch")
		r.Assert(t, icmd.Success)
		assert.Equal(t, r.Outputs["deleted"], "")
		assert.Check(t, is.Contains(r.Stderr(), "branch pr-1 of acme/app does not exist; nothing to delete"))
		actiontest.AssertNoSecrets(t, r, em.Token())
	})
}

func TestDeleteBranchRefusesProductionAndDefault(t *testing.T) {
	em := emulatortest.Start(t)
	c := actiontest.SDK(t, em)
	createBranches(t, c, "release")
	_, err := c.DatabaseBranches.Promote(context.Background(), &ps.PromoteRequest{Organization: "acme", Database: "app", Branch: "release"})
	assert.NilError(t, err)
	env := actiontest.Env(em, "app")
	r := actiontest.Exec(t, env, "delete-branch", "--branch", "main")
	r.Assert(t, icmd.Expected{ExitCode: 2})
	assert.Check(t, is.Contains(r.Stderr(), "refusing to delete main: it is the default branch of acme/app"))
	r = actiontest.Exec(t, env, "delete-branch", "--branch", "release")
	r.Assert(t, icmd.Expected{ExitCode: 2})
	assert.Check(t, is.Contains(r.Stderr(), "refusing to delete release: it is a production branch of acme/app"))
	r = actiontest.Exec(t, env, "delete-branch", "--sweep", "--prefix", "re", "--older-than", "0s")
	r.Assert(t, icmd.Success)
	assert.Equal(t, r.Outputs["deleted"], "")
	assert.Equal(t, em.Counts()["DELETE /v1/organizations/*/databases/*/branches/*"], 0)
	assert.Check(t, is.Contains(branchNames(t, c), "main"))
}

func TestSweep(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		em := emulatortest.Start(t, opts...)
		c := actiontest.SDK(t, em)
		createBranches(t, c, "pr-1", "pr-2", "pr-3", "feature-x")
		env := actiontest.Env(em, "app")
		sweep := []string{"--sweep", "--older-than", "0s", "--keep", "pr-3"}

		dry := actiontest.Exec(t, env, "delete-branch", append(sweep, "--dry-run")...)
		dry.Assert(t, icmd.Success)
		assert.Equal(t, dry.Outputs["deleted"], "pr-1\npr-2")
		assert.Check(t, is.Contains(dry.Stderr(), "dry run: would delete branch pr-1 of acme/app"))
		assert.DeepEqual(t, branchNames(t, c), []string{"feature-x", "main", "pr-1", "pr-2", "pr-3"})

		young := actiontest.Exec(t, env, "delete-branch", "--sweep", "--older-than", "1h")
		young.Assert(t, icmd.Success)
		assert.Equal(t, young.Outputs["deleted"], "")

		r := actiontest.Exec(t, env, "delete-branch", sweep...)
		r.Assert(t, icmd.Success)
		assert.Equal(t, r.Outputs["deleted"], "pr-1\npr-2")
		assert.DeepEqual(t, branchNames(t, c), []string{"feature-x", "main", "pr-3"})
	})
}

func TestSweepWithGitHubDeletesOnlyClosedPullRequests(t *testing.T) {
	em := emulatortest.Start(t)
	c := actiontest.SDK(t, em)
	createBranches(t, c, "pr-1", "pr-2", "pr-3", "pr-x")
	gh := ghfake.New(t)
	gh.AddPull("acme", "app", 1, "closed", true)
	gh.AddPull("acme", "app", 2, "open", false)
	// pr-3 has no pull request: it is kept, as is pr-x, which names none.
	env := actiontest.Env(em, "app")
	env["GITHUB_REPOSITORY"] = "acme/app"
	env["GITHUB_API_URL"] = gh.URL()
	env["INPUT_GITHUB_TOKEN"] = gh.Token

	r := actiontest.Exec(t, env, "delete-branch", "--sweep", "--older-than", "0s")
	r.Assert(t, icmd.Success)
	assert.Equal(t, r.Outputs["deleted"], "pr-1")
	assert.DeepEqual(t, branchNames(t, c), []string{"main", "pr-2", "pr-3", "pr-x"})
	assert.Check(t, is.Contains(r.Stderr(), "keeping pr-2: pull request #2 is open"))
	assert.Check(t, is.Contains(r.Stderr(), "keeping pr-x: its name does not end in a pull request number"))
	assert.Equal(t, gh.Count(ghfake.PatternGetPull), 3)
	actiontest.AssertNoSecrets(t, r, gh.Token, em.Token())
}

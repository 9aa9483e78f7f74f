// Package deploytest sets up deploy requests on an emulator for the
// open-deploy-request and wait-and-deploy tests.
package deploytest

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/internal/ghfake"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/planetscale"
	"gotest.tools/v3/assert"
	"gotest.tools/v3/icmd"
	"gotest.tools/v3/poll"
)

// Database is the emulator's database the tests use.
const Database = "app"

// BaseSchema is the schema main starts with.
var BaseSchema = []string{
	"CREATE TABLE users (id BIGINT NOT NULL AUTO_INCREMENT, name VARCHAR(255) NOT NULL, bio TEXT, PRIMARY KEY (id), KEY users_name (name))",
}

// Exec runs DDL on a branch's own storage database.
func Exec(t *testing.T, em *emulator.Emulator, branch string, stmts ...string) {
	t.Helper()
	name, ok := em.BranchDatabase(Database, branch)
	assert.Assert(t, ok, "branch %s has no storage database", branch)
	assert.NilError(t, em.Storage().Exec(context.Background(), name, stmts...))
}

// Branch seeds main with BaseSchema (once per emulator: call it first),
// creates branch off main, waits until it is ready and runs change on it.
func Branch(t *testing.T, em *emulator.Emulator, branch string, change ...string) {
	t.Helper()
	if _, ok := Tables(t, em, "main")["users"]; !ok {
		Exec(t, em, "main", BaseSchema...)
	}
	c := actiontest.SDK(t, em)
	ctx := context.Background()
	_, err := c.DatabaseBranches.Create(ctx, &ps.CreateDatabaseBranchRequest{
		Organization: em.Org(), Database: Database, Name: branch, ParentBranch: "main",
	})
	assert.NilError(t, err)
	poll.WaitOn(t, func(poll.LogT) poll.Result {
		b, err := c.DatabaseBranches.Get(ctx, &ps.GetDatabaseBranchRequest{Organization: em.Org(), Database: Database, Branch: branch})
		if err != nil {
			return poll.Error(err)
		}
		if !b.Ready {
			return poll.Continue("branch %s is not ready", branch)
		}
		return poll.Success()
	}, poll.WithTimeout(30*time.Second), poll.WithDelay(20*time.Millisecond))
	if len(change) > 0 {
		Exec(t, em, branch, change...)
	}
}

// Tables returns a branch's real schema: each table's CREATE statement by
// name, lower-cased.
func Tables(t *testing.T, em *emulator.Emulator, branch string) map[string]string {
	t.Helper()
	name, ok := em.BranchDatabase(Database, branch)
	assert.Assert(t, ok, "branch %s has no storage database", branch)
	tables, err := em.Storage().Schema(context.Background(), name)
	assert.NilError(t, err)
	out := make(map[string]string, len(tables))
	for _, tb := range tables {
		out[tb.Name] = strings.ToLower(tb.SQL)
	}
	return out
}

// Env is actiontest.Env for Database with extra variables.
func Env(em *emulator.Emulator, extra map[string]string) map[string]string {
	env := actiontest.Env(em, Database)
	for k, v := range extra {
		env[k] = v
	}
	return env
}

// WaitForState waits until deploy request n has been in state.
func WaitForState(t *testing.T, em *emulator.Emulator, n uint64, state string) {
	t.Helper()
	poll.WaitOn(t, func(poll.LogT) poll.Result {
		for _, s := range em.DeployHistory(Database, n) {
			if s == state {
				return poll.Success()
			}
		}
		return poll.Continue("deploy request #%d has not been %s: %v", n, state, em.DeployHistory(Database, n))
	}, poll.WithTimeout(30*time.Second), poll.WithDelay(20*time.Millisecond))
}

// Concurrently runs the action runs times at once with the same env and
// arguments and returns every run.
func Concurrently(t *testing.T, runs int, env map[string]string, action string, args ...string) []actiontest.Run {
	t.Helper()
	results := make([]actiontest.Run, runs)
	var wg sync.WaitGroup
	for i := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = actiontest.Exec(t, env, action, args...)
		}()
	}
	wg.Wait()
	return results
}

// Reviewer is a second administrator's service token (for
// emulatortest.WithExtraToken), who may approve the emulator token's requests.
var Reviewer = emulator.Token{ID: "reviewer", Secret: "pscale_tkn_reviewer"}

// Approve approves deploy request n as Reviewer.
func Approve(t *testing.T, em *emulator.Emulator, n uint64) {
	t.Helper()
	c, err := ps.NewClient(ps.WithBaseURL(em.URL()), ps.WithServiceToken(Reviewer.ID, Reviewer.Secret))
	assert.NilError(t, err)
	_, err = c.DeployRequests.CreateReview(context.Background(), &ps.ReviewDeployRequestRequest{
		Organization: em.Org(), Database: Database, Number: n, ReviewAction: ps.ReviewApprove,
	})
	assert.NilError(t, err)
}

// Reviews lists the reviews of deploy request n, read with psflow's own
// client.
func Reviews(t *testing.T, em *emulator.Emulator, n uint64) []*planetscale.Review {
	t.Helper()
	c, err := planetscale.New(planetscale.Config{APIURL: em.URL(), TokenID: em.TokenID(), Token: em.Token(), Org: em.Org()})
	assert.NilError(t, err)
	reviews, err := c.ListReviews(context.Background(), Database, n)
	assert.NilError(t, err)
	return reviews
}

// GitLabEnv is Env for a pipeline of merge request n of acme/app on
// gitlab.com, as GitLab CI sets it: no GitHub to comment on.
func GitLabEnv(em *emulator.Emulator, n int) map[string]string {
	return Env(em, map[string]string{
		"GITLAB_CI": "true", "CI_SERVER_HOST": "gitlab.com", "CI_PIPELINE_SOURCE": "merge_request_event",
		"CI_MERGE_REQUEST_IID": strconv.Itoa(n), "CI_MERGE_REQUEST_PROJECT_PATH": "acme/app",
		"CI_MERGE_REQUEST_PROJECT_URL": "https://gitlab.com/acme/app",
	})
}

// Run runs an action for branch against em, without GitHub, and requires
// it to succeed.
func Run(t *testing.T, em *emulator.Emulator, action, branch string, args ...string) actiontest.Run {
	t.Helper()
	r := actiontest.Exec(t, Env(em, nil), action, append([]string{"--branch", branch}, args...)...)
	r.Assert(t, icmd.Success)
	return r
}

// GitHubEnv is Env for a pull_request event (action, merged) of pull request
// n of acme/app, with gh as the GitHub API and its token as github_token.
func GitHubEnv(t *testing.T, em *emulator.Emulator, gh *ghfake.Server, action string, n int, merged bool) map[string]string {
	t.Helper()
	return Env(em, map[string]string{
		"GITHUB_REPOSITORY":  "acme/app",
		"GITHUB_API_URL":     gh.URL(),
		"INPUT_GITHUB_TOKEN": gh.Token,
		"GITHUB_EVENT_PATH":  actiontest.PullRequestEvent(t, action, n, merged),
	})
}

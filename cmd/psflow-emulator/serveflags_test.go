package main

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	"gotest.tools/v3/poll"
)

// served is a running psflow-emulator serve, as a client sees it.
type served struct {
	url, caFile string
	c           *ps.Client
}

// startServe runs psflow-emulator serve with args on a free port, with
// the storage of opts (emulatortest.EachStorage), until the test ends.
func startServe(t *testing.T, opts []emulatortest.Option, args ...string) served {
	t.Helper()
	var cfg emulator.Config
	for _, o := range opts {
		assert.NilError(t, o(&cfg))
	}
	env := map[string]string{"PSFLOW_EMULATOR_MYSQL_DSN": cfg.MySQLDSN}
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- realMain(ctx, append([]string{"serve", "--listen", "127.0.0.1:0", "--token-id", "tok-id", "--token", "tok-secret"}, args...),
			func(k string) string { return env[k] }, &stdout, &stderr)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			assert.Check(t, err)
		case <-time.After(time.Minute):
			t.Error("serve did not stop after cancel")
		}
	})
	url := waitForURL(t, stdout.String)
	c, err := ps.NewClient(ps.WithBaseURL(url), ps.WithServiceToken("tok-id", "tok-secret"))
	assert.NilError(t, err)
	return served{url: url, caFile: urlLine.FindStringSubmatch(stdout.String())[4], c: c}
}

// featureBranch creates branch feature off main of app, waits until it
// is ready and adds a table to it.
func (s served) featureBranch(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	_, err := s.c.DatabaseBranches.Create(ctx, &ps.CreateDatabaseBranchRequest{Organization: "acme", Database: "app", Name: "feature", ParentBranch: "main"})
	assert.NilError(t, err)
	poll.WaitOn(t, func(poll.LogT) poll.Result {
		b, err := s.c.DatabaseBranches.Get(ctx, &ps.GetDatabaseBranchRequest{Organization: "acme", Database: "app", Branch: "feature"})
		if err != nil || !b.Ready {
			return poll.Continue("branch feature not ready (%v)", err)
		}
		return poll.Success()
	}, poll.WithDelay(20*time.Millisecond), poll.WithTimeout(time.Minute))
	branchExec(t, s.c, s.caFile, "app", "feature", "CREATE TABLE events (id BIGINT NOT NULL PRIMARY KEY)")
}

// openRequest opens a deploy request from feature into main and waits
// for it to be ready.
func (s served) openRequest(t *testing.T) uint64 {
	t.Helper()
	dr, err := s.c.DeployRequests.Create(context.Background(), &ps.CreateDeployRequestRequest{Organization: "acme", Database: "app", Branch: "feature", IntoBranch: "main", AutoCutover: true})
	assert.NilError(t, err)
	s.waitState(t, dr.Number, "ready")
	return dr.Number
}

// waitState polls a deploy request until its deployment state is want.
func (s served) waitState(t *testing.T, n uint64, want string) {
	t.Helper()
	poll.WaitOn(t, func(poll.LogT) poll.Result {
		dr, err := s.c.DeployRequests.Get(context.Background(), &ps.GetDeployRequestRequest{Organization: "acme", Database: "app", Number: n})
		if err != nil || dr.DeploymentState != want {
			return poll.Continue("deploy request #%d: %v %v, want %s", n, dr, err, want)
		}
		return poll.Success()
	}, poll.WithDelay(20*time.Millisecond), poll.WithTimeout(time.Minute))
}

// mainHas reports whether main of app has table.
func (s served) mainHas(t *testing.T, table string) bool {
	t.Helper()
	files, err := s.c.DatabaseBranches.Schema(context.Background(), &ps.BranchSchemaRequest{Organization: "acme", Database: "app", Branch: "main"})
	assert.NilError(t, err)
	for _, f := range files {
		if f.Name == table {
			return true
		}
	}
	return false
}

// TestServeSafeMigrationsFlag: --safe-migrations main turns safe migrations on, so a deploy
// request into main deploys; without it, as on a new PlanetScale database, one is refused.
func TestServeSafeMigrationsFlag(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		for _, on := range []bool{false, true} {
			var args []string
			if on {
				args = []string{"--safe-migrations", "main"}
			}
			s := startServe(t, opts, args...)
			main, err := s.c.DatabaseBranches.Get(context.Background(), &ps.GetDatabaseBranchRequest{Organization: "acme", Database: "app", Branch: "main"})
			assert.NilError(t, err)
			assert.Equal(t, main.SafeMigrations, on, "%v", args)
			s.featureBranch(t)
			if !on {
				_, err := s.c.DeployRequests.Create(context.Background(), &ps.CreateDeployRequestRequest{Organization: "acme", Database: "app", Branch: "feature", IntoBranch: "main"})
				assert.ErrorContains(t, err, "safe migrations must be enabled on branch main")
				continue
			}
			n := s.openRequest(t)
			_, err = s.c.DeployRequests.Deploy(context.Background(), &ps.PerformDeployRequest{Organization: "acme", Database: "app", Number: n})
			assert.NilError(t, err)
			s.waitState(t, n, "complete")
			assert.Assert(t, s.mainHas(t, "events"))
		}
	})
}

// TestServeRequireApprovalFlag: --require-approval makes a deploy wait for the --extra-token
// administrator's approval; without it a request deploys unapproved.
func TestServeRequireApprovalFlag(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		for _, on := range []bool{false, true} {
			args := []string{"--safe-migrations", "main", "--extra-token", "reviewer:reviewer-secret"}
			if on {
				args = append(args, "--require-approval")
			}
			s := startServe(t, opts, args...)
			assert.Equal(t, requiresApproval(t, s), on, "%v", args)
			s.featureBranch(t)
			n := s.openRequest(t)
			deploy := func() error {
				_, err := s.c.DeployRequests.Deploy(context.Background(), &ps.PerformDeployRequest{Organization: "acme", Database: "app", Number: n})
				return err
			}
			if on {
				assert.ErrorContains(t, deploy(), "must be approved before it can be deployed")
				assert.Assert(t, !s.mainHas(t, "events"))
				reviewer, err := ps.NewClient(ps.WithBaseURL(s.url), ps.WithServiceToken("reviewer", "reviewer-secret"))
				assert.NilError(t, err)
				_, err = reviewer.DeployRequests.CreateReview(context.Background(), &ps.ReviewDeployRequestRequest{
					Organization: "acme", Database: "app", Number: n, ReviewAction: ps.ReviewApprove,
				})
				assert.NilError(t, err)
			}
			assert.NilError(t, deploy())
			s.waitState(t, n, "complete")
			assert.Assert(t, s.mainHas(t, "events"))
		}
	})
}

// requiresApproval reads the database setting require_approval_for_deploy
// of app, which planetscale-go's Database does not decode.
func requiresApproval(t *testing.T, s served) bool {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.url+"/v1/organizations/acme/databases/app", nil)
	assert.NilError(t, err)
	req.Header.Set("Authorization", "tok-id:tok-secret")
	resp, err := http.DefaultClient.Do(req)
	assert.NilError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, resp.StatusCode, http.StatusOK)
	var db struct {
		RequireApproval *bool `json:"require_approval_for_deploy"`
	}
	assert.NilError(t, json.NewDecoder(resp.Body).Decode(&db))
	assert.Assert(t, db.RequireApproval != nil)
	return *db.RequireApproval
}

// TestServeDataBranchingAndTokenDatabaseFlags: --data-branching turns allow_data_branching
// on, and --token-database limits the token to the databases it names.
func TestServeDataBranchingAndTokenDatabaseFlags(t *testing.T) {
	t.Parallel()
	s := startServe(t, nil, "--database", "app", "--database", "other", "--data-branching", "--token-database", "app")
	list, err := s.c.Databases.List(context.Background(), &ps.ListDatabasesRequest{Organization: "acme"})
	assert.NilError(t, err)
	assert.Equal(t, len(list), 1)
	assert.Equal(t, list[0].Name, "app")
	_, err = s.c.Databases.Get(context.Background(), &ps.GetDatabaseRequest{Organization: "acme", Database: "other"})
	assert.ErrorContains(t, err, "Not Found")

	req, err := http.NewRequest(http.MethodGet, s.url+"/v1/organizations/acme/databases/app", nil)
	assert.NilError(t, err)
	req.Header.Set("Authorization", "tok-id:tok-secret")
	res, err := http.DefaultClient.Do(req)
	assert.NilError(t, err)
	defer res.Body.Close()
	var db struct {
		AllowDataBranching bool `json:"allow_data_branching"`
	}
	assert.NilError(t, json.NewDecoder(res.Body).Decode(&db))
	assert.Check(t, db.AllowDataBranching)
}

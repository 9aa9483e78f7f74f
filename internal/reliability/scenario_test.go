package reliability

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/internal/branchconn"
	"github.com/psflow/psflow/internal/scope"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/poll"
)

// database is the emulator database every scenario works on.
const database = "app"

// baseSchema is main's schema before a scenario runs.
var baseSchema = []string{
	"CREATE TABLE users (id BIGINT NOT NULL AUTO_INCREMENT, name VARCHAR(255) NOT NULL, PRIMARY KEY (id))",
}

// postsTable is the table the deploy scenarios add to main.
const postsTable = "CREATE TABLE posts (id BIGINT NOT NULL AUTO_INCREMENT, title VARCHAR(200) NOT NULL, PRIMARY KEY (id))"

// scenario is one clean run of an action: what the emulator holds before,
// how the action is called, and what it may and must leave behind.
type scenario struct {
	name    string
	action  string
	args    []string
	timings emulator.Timings
	setup   func(t *testing.T, em *emulator.Emulator)
	// seed, when set, is written to files in a fresh folder by path; its
	// schema and data folders are passed as the inputs of those names.
	seed map[string]string
	// keep are the branches besides main the run may leave, and passwords
	// how many passwords it may leave on each.
	keep      []string
	passwords map[string]int
	// deploys is the table the run may add to main (wait-and-deploy).
	deploys string
	// done checks the end state of a run that exited 0.
	done func(t *testing.T, em *emulator.Emulator, r actiontest.Run)
	// dirFlag, when set, is the flag a fresh folder is passed as.
	dirFlag string
	// branch is the development branch the run works on, named in its
	// messages; default pr-1.
	branch string
}

// scenarios are the runs the fault matrix and the interruption tests
// exercise: every action, with inputs that make it use every call it has.
func scenarios() []scenario {
	return []scenario{
		{
			name: "create-branch", action: "create-branch", args: []string{"--branch", "pr-1"},
			keep: []string{"pr-1"}, passwords: map[string]int{"pr-1": 1},
			done: func(t *testing.T, em *emulator.Emulator, r actiontest.Run) {
				b := branchState(em, "pr-1")
				assert.Assert(t, b != nil, "branch pr-1 was not created")
				assert.Check(t, is.Equal(b.Parent, "main"))
				assert.Check(t, is.Len(b.Passwords, 1))
				if len(b.Passwords) == 1 {
					assert.Check(t, is.Equal(r.Outputs["password_id"], b.Passwords[0].ID))
				}
				assert.Check(t, r.Outputs["password"] != "" && r.Outputs["dsn"] != "", "credentials missing: %v", keys(r.Outputs))
			},
		},
		{
			name: "open-deploy-request", action: "open-deploy-request", args: []string{"--branch", "pr-1"},
			keep: []string{"pr-1"},
			setup: func(t *testing.T, em *emulator.Emulator) {
				branchWith(t, em, "pr-1", postsTable, "ALTER TABLE users MODIFY name VARCHAR(300) NOT NULL")
			},
			done: func(t *testing.T, em *emulator.Emulator, r actiontest.Run) {
				drs := em.State().Databases[0].DeployRequests
				assert.Assert(t, is.Len(drs, 1))
				assert.Check(t, is.Equal(drs[0].State, "open"))
				assert.Check(t, is.Equal(r.Outputs["number"], strconv.FormatUint(drs[0].Number, 10)))
				assert.Check(t, is.Equal(r.Outputs["deployment_state"], "ready"))
				assert.Check(t, is.Equal(r.Outputs["has_changes"], "true"))
				assert.Check(t, is.Contains(r.Outputs["diff"], "CREATE TABLE `posts`"))
			},
		},
		{
			name: "close-deploy-request", action: "open-deploy-request", args: []string{"--branch", "pr-1", "--close-if-no-changes"},
			keep:  []string{"pr-1"},
			setup: func(t *testing.T, em *emulator.Emulator) { branchWith(t, em, "pr-1") },
			done: func(t *testing.T, em *emulator.Emulator, r actiontest.Run) {
				drs := em.State().Databases[0].DeployRequests
				assert.Assert(t, is.Len(drs, 1))
				assert.Check(t, is.Equal(drs[0].State, "closed"))
				assert.Check(t, is.Equal(r.Outputs["has_changes"], "false"))
			},
		},
		{
			name: "wait-and-deploy", action: "wait-and-deploy", args: []string{"--branch", "pr-1", "--revert-window", "skip"},
			timings: emulator.Timings{RevertWindow: time.Hour},
			keep:    []string{"pr-1"}, deploys: "posts",
			setup: func(t *testing.T, em *emulator.Emulator) {
				branchWith(t, em, "pr-1", postsTable)
				openDeployRequest(t, em, "pr-1")
			},
			done: func(t *testing.T, em *emulator.Emulator, r actiontest.Run) {
				assert.Check(t, is.Equal(r.Outputs["deployment_state"], "complete"))
				assert.Check(t, is.Equal(em.DeployCalls(database, 1), 1))
				_, ok := tables(t, em, "main")["posts"]
				assert.Check(t, ok, "main lacks the deployed table")
			},
		},
		{
			name: "seed-branch", action: "seed-branch", args: []string{"--branch", "pr-1"},
			keep:  []string{"pr-1"},
			setup: func(t *testing.T, em *emulator.Emulator) { branchWith(t, em, "pr-1") },
			seed: map[string]string{
				"schema/users.sql":  baseSchema[0] + ";\n",
				"schema/hotels.sql": "CREATE TABLE hotels (id INT NOT NULL PRIMARY KEY, name VARCHAR(100) NOT NULL);\n",
				"data/hotels.sql":   seedRows(seedStatements),
			},
			done: func(t *testing.T, em *emulator.Emulator, r actiontest.Run) {
				assert.Check(t, is.Equal(r.Outputs["reason"], "created 1 table"))
				assert.Check(t, is.Equal(r.Outputs["rows"], strconv.Itoa(seedStatements)))
				_, ok := tables(t, em, "pr-1")["hotels"]
				assert.Check(t, ok, "branch pr-1 lacks the seeded table")
			},
		},
		{
			name: "delete-branch", action: "delete-branch", args: []string{"--branch", "pr-1"},
			keep:  []string{"pr-1"},
			setup: func(t *testing.T, em *emulator.Emulator) { branchWith(t, em, "pr-1") },
			done: func(t *testing.T, em *emulator.Emulator, r actiontest.Run) {
				assert.Check(t, branchState(em, "pr-1") == nil, "branch pr-1 was not deleted")
				assert.Check(t, is.Equal(r.Outputs["deleted"], "pr-1"))
			},
		},
		{
			name: "dump-schema", action: "dump-schema", dirFlag: "--dir",
			setup: func(t *testing.T, em *emulator.Emulator) {
				exec(t, em, "main", "CREATE VIEW names AS SELECT name FROM users")
			},
			done: func(t *testing.T, em *emulator.Emulator, r actiontest.Run) {
				assert.Check(t, is.Equal(r.Outputs["tables"], "users"))
				assert.Check(t, is.Equal(r.Outputs["views"], "names"))
				data, err := os.ReadFile(filepath.Join(r.Outputs["dir"], "users.sql"))
				assert.Check(t, err)
				assert.Check(t, is.Equal(string(data), tables(t, em, "main")["users"]+";\n"))
			},
		},
		{
			name: "setup-migrations", action: "setup-migrations", branch: "psflow-setup-migrations",
			// A branch whose deletion the API refuses is left, and said so.
			keep:    []string{"psflow-setup-migrations"},
			timings: emulator.Timings{RevertWindow: time.Hour}, deploys: branchconn.DefaultMigrationTable,
			done: func(t *testing.T, em *emulator.Emulator, r actiontest.Run) {
				assert.Check(t, is.Equal(r.Outputs["changed_settings"], "true"))
				assert.Check(t, is.Equal(r.Outputs["deploy_request"], "1"))
				assert.Check(t, is.Equal(em.DeployCalls(database, 1), 1))
				_, ok := tables(t, em, "main")[branchconn.DefaultMigrationTable]
				assert.Check(t, ok, "main lacks the migration table")
				assert.Check(t, branchState(em, "psflow-setup-migrations") == nil, "the setup branch is left")
			},
		},
		{
			name: "sweep", action: "delete-branch", args: []string{"--sweep", "--older-than", "0s"},
			keep: []string{"pr-1", "pr-2"},
			setup: func(t *testing.T, em *emulator.Emulator) {
				branchWith(t, em, "pr-1")
				branchWith(t, em, "pr-2")
			},
			done: func(t *testing.T, em *emulator.Emulator, r actiontest.Run) {
				assert.Check(t, branchState(em, "pr-1") == nil && branchState(em, "pr-2") == nil, "the sweep left a branch")
				assert.Check(t, is.Equal(r.Outputs["deleted"], "pr-1\npr-2"))
			},
		},
	}
}

// seedStatements is the number of rows seed-branch loads, one statement
// each, so that loading takes long enough to be interrupted.
const seedStatements = 200

// seedRows is n INSERT statements of one hotel each.
func seedRows(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "INSERT INTO hotels VALUES (%d, 'Hotel %d; with -- text');\n", i+1, i+1)
	}
	return b.String()
}

// start runs an emulator on the storage opts choose, gives main the base schema, runs the
// scenario's setup, and returns the emulator and the action's arguments.
func (sc scenario) start(t *testing.T, opts ...emulatortest.Option) (*emulator.Emulator, []string) {
	t.Helper()
	em := emulatortest.Start(t, append([]emulatortest.Option{emulatortest.WithTimings(sc.timings), emulatortest.WithRateLimit(0)}, opts...)...)
	exec(t, em, "main", baseSchema...)
	if sc.setup != nil {
		sc.setup(t, em)
	}
	args := sc.args
	if sc.seed != nil || sc.dirFlag != "" {
		dir := t.TempDir()
		for name, sql := range sc.seed {
			path := filepath.Join(dir, filepath.FromSlash(name))
			assert.NilError(t, os.MkdirAll(filepath.Dir(path), 0o700))
			assert.NilError(t, os.WriteFile(path, []byte(sql), 0o600))
		}
		if sc.dirFlag != "" {
			args = append(slices.Clip(args), sc.dirFlag, dir)
		} else {
			args = append(slices.Clip(args), "--schema", filepath.Join(dir, "schema"), "--data", filepath.Join(dir, "data"))
		}
	}
	return em, args
}

// env is the scenario's environment against apiURL (the emulator's, or a
// proxy's in front of it), with a short retry budget and attempt limit.
func env(em *emulator.Emulator, apiURL string) map[string]string {
	e := actiontest.Env(em, database)
	e["PLANETSCALE_API_URL"] = apiURL
	e[scope.RetryMaxElapsedEnv] = "20s"
	e[scope.RetryAttemptTimeoutEnv] = attemptTimeout.String()
	return e
}

// attemptTimeout is the client's limit on one attempt in these tests; the
// slow fault holds a request longer.
const attemptTimeout = 1500 * time.Millisecond

// exec runs DDL on a branch's storage database.
func exec(t *testing.T, em *emulator.Emulator, branch string, stmts ...string) {
	t.Helper()
	name, ok := em.BranchDatabase(database, branch)
	assert.Assert(t, ok, "branch %s has no storage database", branch)
	assert.NilError(t, em.Storage().Exec(context.Background(), name, stmts...))
}

// tables returns a branch's CREATE statements by table name.
func tables(t *testing.T, em *emulator.Emulator, branch string) map[string]string {
	t.Helper()
	name, ok := em.BranchDatabase(database, branch)
	assert.Assert(t, ok, "branch %s has no storage database", branch)
	list, err := em.Storage().Schema(context.Background(), name)
	assert.NilError(t, err)
	out := make(map[string]string, len(list))
	for _, tb := range list {
		out[tb.Name] = tb.SQL
	}
	return out
}

// branchWith creates a ready branch off main and runs DDL on it.
func branchWith(t *testing.T, em *emulator.Emulator, name string, ddl ...string) {
	t.Helper()
	c := actiontest.SDK(t, em)
	ctx := context.Background()
	_, err := c.DatabaseBranches.Create(ctx, &ps.CreateDatabaseBranchRequest{Organization: em.Org(), Database: database, Name: name, ParentBranch: "main"})
	assert.NilError(t, err)
	poll.WaitOn(t, func(poll.LogT) poll.Result {
		if b := branchState(em, name); b == nil || !b.Ready {
			return poll.Continue("branch %s is not ready", name)
		}
		return poll.Success()
	}, poll.WithTimeout(30*time.Second), poll.WithDelay(10*time.Millisecond))
	if len(ddl) > 0 {
		exec(t, em, name, ddl...)
	}
}

// openDeployRequest opens a deploy request from branch into main that
// waits for its cutover, and waits until its diff is ready.
func openDeployRequest(t *testing.T, em *emulator.Emulator, branch string) {
	t.Helper()
	c := actiontest.SDK(t, em)
	dr, err := c.DeployRequests.Create(context.Background(), &ps.CreateDeployRequestRequest{
		Organization: em.Org(), Database: database, Branch: branch, IntoBranch: "main",
	})
	assert.NilError(t, err)
	poll.WaitOn(t, func(poll.LogT) poll.Result {
		h := em.DeployHistory(database, dr.Number)
		if len(h) == 0 || h[len(h)-1] != "ready" {
			return poll.Continue("deploy request #%d: %v", dr.Number, h)
		}
		return poll.Success()
	}, poll.WithTimeout(30*time.Second), poll.WithDelay(10*time.Millisecond))
	// open-deploy-request reports the request and records it in a review,
	// which wait-and-deploy checks the deploy against (it refuses one that
	// nothing records).
	r := actiontest.Exec(t, actiontest.Env(em, database), "open-deploy-request", "--branch", branch)
	assert.Assert(t, r.ExitCode == 0, "open-deploy-request: %s", r.Stderr())
}

// branchState returns a branch of the scenario's database, or nil.
func branchState(em *emulator.Emulator, name string) *emulator.BranchState {
	for _, db := range em.State().Databases {
		if db.Name != database {
			continue
		}
		for _, b := range db.Branches {
			if b.Name == name {
				return &b
			}
		}
	}
	return nil
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

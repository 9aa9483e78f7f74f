package createbranch_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

func TestCreateBranch(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		em := emulatortest.Start(t, opts...)
		env := actiontest.Env(em, "app")

		first := actiontest.Exec(t, env, "create-branch", "--branch", "pr-7")
		first.Assert(t, icmd.Success)
		out := first.Outputs
		assert.Equal(t, out["branch"], "pr-7")
		assert.Equal(t, out["created"], "true")
		assert.Check(t, is.Contains(out["html_url"], "/app/pr-7"))
		assert.Check(t, out["username"] != "" && out["password"] != "" && out["password_id"] != "")
		assert.Check(t, is.Contains(out["database_url"], "mysql://"+out["username"]+":"))
		actiontest.AssertNoSecrets(t, first, out["password"], em.Token())
		assert.Check(t, is.Contains(first.Stdout(), "password=***"))

		// The credentials name the PlanetScale database, reach the branch's
		// own database over TLS verified with mysql_ca, and may run DDL.
		assert.Check(t, is.Contains(out["dsn"], "/app?"))
		assert.Check(t, is.Contains(out["dsn"], "tls=true"))
		assert.Check(t, is.Contains(out["database_url"], "@"+out["host"]+"/app?sslaccept=strict"))
		db := actiontest.OpenDSN(t, em, out["dsn"])
		_, err := db.Exec("CREATE TABLE pr_only (id BIGINT PRIMARY KEY)")
		assert.NilError(t, err)
		name, ok := em.BranchDatabase("app", "pr-7")
		assert.Assert(t, ok)
		tables, err := em.Storage().Schema(context.Background(), name)
		assert.NilError(t, err)
		assert.Check(t, hasTable(tables, "pr_only"), "the DDL did not land in the branch database")

		again := actiontest.Exec(t, env, "create-branch", "--branch", "pr-7", "--create-password=false")
		again.Assert(t, icmd.Success)
		assert.Equal(t, again.Outputs["created"], "false")
		assert.Equal(t, again.Outputs["password"], "")
	})
}

func hasTable(tables []emulator.Table, name string) bool {
	for _, tb := range tables {
		if tb.Name == name {
			return true
		}
	}
	return false
}

// TestCreateBranchFromRunContext names the branch pr-<n> on a pull request, the sanitized
// branch on a push, and the branch input whatever the CI says.
func TestCreateBranchFromRunContext(t *testing.T) {
	t.Parallel()
	em := emulatortest.Start(t)
	codeBuild := actiontest.CodeBuildPullRequest("acme/app", 314, "PULL_REQUEST_CREATED")
	cases := []struct {
		name   string
		vars   map[string]string
		args   []string
		branch string
		log    string
	}{
		{name: "github pull request", vars: map[string]string{"GITHUB_EVENT_PATH": actiontest.PullRequestEvent(t, "opened", 42, false)}, branch: "pr-42",
			log: "GitHub Actions: pull request #42 (opened) from feature/change-42 into main"},
		{name: "codebuild pull request", vars: codeBuild, branch: "pr-314",
			log: "AWS CodeBuild: pull request #314 (opened) from feature/change-314 into main, repository github.com/acme/app"},
		{name: "codebuild push", vars: map[string]string{
			"CODEBUILD_BUILD_ID": "bookings:2", "CODEBUILD_WEBHOOK_TRIGGER": "branch/feature/Orders_Webhooks", "CODEBUILD_WEBHOOK_EVENT": "PUSH",
			"CODEBUILD_WEBHOOK_HEAD_REF": "refs/heads/feature/Orders_Webhooks", "CODEBUILD_SOURCE_VERSION": "4f1d2c",
		}, branch: "feature-orders-webhooks", log: "AWS CodeBuild: branch feature/Orders_Webhooks (push)"},
		{name: "branch input wins", vars: codeBuild, args: []string{"--branch", "qa"}, branch: "qa"},
		{name: "gitlab merge request", vars: map[string]string{
			"GITLAB_CI": "true", "CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_IID": "12",
			"CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "feature/orders", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
		}, branch: "pr-12", log: "GitLab CI: merge request #12 (event not reported) from feature/orders into main"},
		{name: "bitbucket pull request", vars: map[string]string{"BITBUCKET_BUILD_NUMBER": "9", "BITBUCKET_PR_ID": "5", "BITBUCKET_BRANCH": "feature/orders"}, branch: "pr-5"},
		{name: "buildkite pull request", vars: map[string]string{"BUILDKITE": "true", "BUILDKITE_PULL_REQUEST": "6", "BUILDKITE_BRANCH": "feature/orders"}, branch: "pr-6"},
		{name: "circleci pull request", vars: map[string]string{"CIRCLECI": "true", "CIRCLE_BRANCH": "feature/orders", "CIRCLE_PULL_REQUEST": "https://github.com/acme/app/pull/8"}, branch: "pr-8"},
		{name: "azure pull request", vars: map[string]string{"TF_BUILD": "True", "BUILD_REASON": "PullRequest", "SYSTEM_PULLREQUEST_PULLREQUESTID": "10"}, branch: "pr-10"},
		{name: "jenkins pull request", vars: map[string]string{"JENKINS_URL": "https://ci.example/", "CHANGE_ID": "11", "BRANCH_NAME": "PR-11"}, branch: "pr-11"},
		{name: "jenkins branch", vars: map[string]string{"JENKINS_URL": "https://ci.example/", "BRANCH_NAME": "release/2.0"}, branch: "release-2-0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			env := actiontest.Env(em, "app")
			for k, v := range c.vars {
				env[k] = v
			}
			r := actiontest.Exec(t, env, "create-branch", append([]string{"--create-password=false"}, c.args...)...)
			r.Assert(t, icmd.Success)
			assert.Equal(t, r.Outputs["branch"], c.branch)
			if c.log != "" {
				assert.Equal(t, strings.Count(r.Stderr(), c.log), 1, "the run context is logged once")
			}
		})
	}
}

func TestCreateBranchNeedsABranchOutsideCI(t *testing.T) {
	t.Parallel()
	em := emulatortest.Start(t)
	for _, vars := range []map[string]string{
		{},
		{"CODEBUILD_BUILD_ID": "bookings:3", "CODEBUILD_SOURCE_VERSION": "4f1d2c"},
	} {
		env := actiontest.Env(em, "app")
		for k, v := range vars {
			env[k] = v
		}
		r := actiontest.Exec(t, env, "create-branch")
		r.Assert(t, icmd.Expected{ExitCode: 2})
		assert.Check(t, is.Contains(r.Stderr(), "input branch is required outside a pull request event or a branch build"))
	}
	bad := actiontest.Env(em, "app")
	bad["CODEBUILD_BUILD_ID"], bad["CODEBUILD_WEBHOOK_TRIGGER"] = "bookings:4", "pr/x"
	r := actiontest.Exec(t, bad, "create-branch")
	r.Assert(t, icmd.Expected{ExitCode: 2})
	assert.Check(t, is.Contains(r.Stderr(), `AWS CodeBuild: CODEBUILD_WEBHOOK_TRIGGER: "x" is not a pull request number`))
}

func TestCreateBranchRace(t *testing.T) {
	em := emulatortest.Start(t)
	env := actiontest.Env(em, "app")
	const runs = 4
	results := make([]actiontest.Run, runs)
	var wg sync.WaitGroup
	for i := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = actiontest.Exec(t, env, "create-branch", "--branch", "pr-9", "--create-password=false")
		}()
	}
	wg.Wait()
	created := 0
	for _, r := range results {
		r.Assert(t, icmd.Success)
		assert.Equal(t, r.Outputs["branch"], "pr-9")
		if r.Outputs["created"] == "true" {
			created++
		}
	}
	assert.Equal(t, created, 1, "exactly one run creates the branch")
	assert.Equal(t, em.Counts()["DELETE /v1/organizations/*/databases/*/branches/*"], 0)
}

func TestCreateBranchWaitTimeout(t *testing.T) {
	em := emulatortest.Start(t, emulatortest.WithTimings(emulator.Timings{BranchReady: time.Minute}))
	r := actiontest.Exec(t, actiontest.Env(em, "app"), "create-branch", "--branch", "pr-3", "--timeout", "700ms")
	r.Assert(t, icmd.Expected{ExitCode: 3})
	assert.Check(t, is.Contains(r.Stderr(), `timed out after 1s waiting for branch pr-3 of acme/app to be ready (last state "not ready")`))
	assert.Check(t, r.Outputs["password"] == "", "no password for a branch that never became ready")
}

func TestCreateBranchRefusesBadInput(t *testing.T) {
	em := emulatortest.Start(t)
	env := actiontest.Env(em, "app")
	cases := []struct {
		args []string
		env  map[string]string
		code int
		msg  string
	}{
		{[]string{"--branch", "Feature/X"}, nil, 2, `input branch: branch name "Feature/X" is invalid`},
		{[]string{"--branch", "main"}, nil, 2, "branch main of acme/app is a production branch"},
		{[]string{"--branch", "pr-1", "--seed-data", "last_successful_backup", "--backup-id", "x"}, nil, 2, "set seed_data or backup_id, not both"},
		{[]string{"--branch", "pr-1", "--database", "nope"}, nil, 1, "create branch pr-1 of acme/nope: not found (HTTP 404 not_found): database nope not found"},
		{[]string{"--branch", "pr-1"}, map[string]string{"PLANETSCALE_SERVICE_TOKEN": "pscale_tkn_wrong"}, 2, "unauthorized (HTTP 401 unauthorized)"},
		{[]string{"--branch", "pr-1", "--timeout", "10"}, nil, 2, `input timeout: "10" is not valid`},
	}
	for _, tc := range cases {
		e := map[string]string{}
		for k, v := range env {
			e[k] = v
		}
		for k, v := range tc.env {
			e[k] = v
		}
		r := actiontest.Exec(t, e, "create-branch", tc.args...)
		r.Assert(t, icmd.Expected{ExitCode: tc.code})
		assert.Check(t, is.Contains(r.Stderr(), tc.msg))
		actiontest.AssertNoSecrets(t, r, em.Token(), "pscale_tkn_wrong")
	}
	r := actiontest.Exec(t, map[string]string{"PLANETSCALE_API_URL": em.URL(), "PLANETSCALE_ORG": "acme", "PLANETSCALE_SERVICE_TOKEN_ID": em.TokenID(), "PLANETSCALE_SERVICE_TOKEN": "bad-token-value", "PSFLOW_DATABASE": "app"}, "create-branch", "--branch", "pr-1")
	assert.Check(t, is.Contains(r.Stderr(), "check service_token_id and service_token"))
	assert.Equal(t, len(em.Requests()) > 0, true)
}

func TestCreateBranchRefusesOtherParentAndProduction(t *testing.T) {
	em := emulatortest.Start(t)
	env := actiontest.Env(em, "app")
	c := actiontest.SDK(t, em)
	ctx := context.Background()
	_, err := c.DatabaseBranches.Create(ctx, &ps.CreateDatabaseBranchRequest{Organization: "acme", Database: "app", Name: "staging", ParentBranch: "main"})
	assert.NilError(t, err)
	actiontest.Exec(t, env, "create-branch", "--branch", "staging", "--create-password=false").Assert(t, icmd.Success)
	_, err = c.DatabaseBranches.Create(ctx, &ps.CreateDatabaseBranchRequest{Organization: "acme", Database: "app", Name: "pr-5", ParentBranch: "staging"})
	assert.NilError(t, err)
	r := actiontest.Exec(t, env, "create-branch", "--branch", "pr-5")
	r.Assert(t, icmd.Expected{ExitCode: 2})
	assert.Check(t, is.Contains(r.Stderr(), "branch pr-5 of acme/app already exists with parent staging, not main"))
}

func TestCreateBranchWithDataBranching(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		em := emulatortest.Start(t, append(opts, emulatortest.WithDataBranching())...)
		ctx := context.Background()
		main, ok := em.BranchDatabase("app", "main")
		assert.Assert(t, ok)
		assert.NilError(t, em.Storage().Exec(ctx, main,
			"CREATE TABLE hotels (id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT, name VARCHAR(50) NOT NULL)",
			"INSERT INTO hotels (name) VALUES ('Hotel California'), ('The Galt House')"))
		actiontest.Backup(t, em, "main")

		r := actiontest.Exec(t, actiontest.Env(em, "app"), "create-branch", "--branch", "pr-11", "--seed-data", "last_successful_backup", "--password-role", "reader")
		r.Assert(t, icmd.Success)
		db := actiontest.OpenDSN(t, em, r.Outputs["dsn"])
		var n int
		assert.NilError(t, db.QueryRow("SELECT COUNT(*) FROM hotels").Scan(&n))
		assert.Equal(t, n, 2)
		_, err := db.Exec("INSERT INTO hotels (name) VALUES ('x')")
		assert.Assert(t, err != nil, "a reader password could write")
	})
}

// TestCreateBranchFromBackup: with backup_id, create-branch sends cluster_size, PS_10 by
// default (docs/design/actions-create-branch.md).
func TestCreateBranchFromBackup(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		em := emulatortest.Start(t, opts...)
		ctx := context.Background()
		main, ok := em.BranchDatabase("app", "main")
		assert.Assert(t, ok)
		assert.NilError(t, em.Storage().Exec(ctx, main,
			"CREATE TABLE hotels (id INT UNSIGNED PRIMARY KEY, name VARCHAR(50) NOT NULL)",
			"INSERT INTO hotels VALUES (1, 'Hotel California')"))
		actiontest.Backup(t, em, "main")
		c := actiontest.SDK(t, em)
		backups, err := c.Backups.List(ctx, &ps.ListBackupsRequest{Organization: em.Org(), Database: "app", Branch: "main"})
		assert.NilError(t, err)
		assert.Equal(t, len(backups), 1)

		env := actiontest.Env(em, "app")
		for _, tc := range []struct{ branch, size, want string }{
			{"pr-12", "", "PS_10"},
			{"pr-13", "PS_20", "PS_20"},
		} {
			args := []string{"--branch", tc.branch, "--backup-id", backups[0].PublicID, "--create-password=false"}
			if tc.size != "" {
				args = append(args, "--cluster-size", tc.size)
			}
			actiontest.Exec(t, env, "create-branch", args...).Assert(t, icmd.Success)
			assert.Equal(t, clusterName(t, em, tc.branch), tc.want)
		}
	})
}

// clusterName reads a branch's cluster_name, which planetscale-go's
// branch type leaves out.
func clusterName(t *testing.T, em *emulator.Emulator, branch string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, em.URL()+"/v1/organizations/"+em.Org()+"/databases/app/branches/"+branch, nil)
	assert.NilError(t, err)
	req.Header.Set("Authorization", em.TokenID()+":"+em.Token())
	res, err := http.DefaultClient.Do(req)
	assert.NilError(t, err)
	defer res.Body.Close()
	var b struct {
		ClusterName string `json:"cluster_name"`
	}
	assert.NilError(t, json.NewDecoder(res.Body).Decode(&b))
	return b.ClusterName
}

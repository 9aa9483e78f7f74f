package examples

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/psflow/psflow/internal/testbin"
	"github.com/psflow/psflow/pkg/emulator"
	"gopkg.in/yaml.v3"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// buildspec is the part of a CodeBuild buildspec the tests run.
type buildspec struct {
	Version string `yaml:"version"`
	Env     struct {
		Variables        map[string]string `yaml:"variables"`
		SecretsManager   map[string]string `yaml:"secrets-manager"`
		ExportedVariable []string          `yaml:"exported-variables"`
	} `yaml:"env"`
	Phases map[string]struct {
		Commands []string `yaml:"commands"`
	} `yaml:"phases"`
}

func readBuildspec(t *testing.T, name string) buildspec {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("codebuild", name))
	assert.NilError(t, err)
	var b buildspec
	assert.NilError(t, yaml.Unmarshal(data, &b))
	assert.Equal(t, b.Version, "0.2")
	return b
}

// runPhase runs a phase in one bash as CodeBuild does (its variables and secrets, no GITHUB_*),
// stopping at the first failing command, a multi-line one by its last line's status.
func runPhase(t *testing.T, em *emulator.Emulator, b buildspec, phase, dir string) (map[string]string, string) {
	t.Helper()
	return runPhaseWith(t, em, b, phase, dir, nil, nil)
}

// runPhaseWith is runPhase in a build CodeBuild started with vars (a webhook's), with secrets
// holding the Secrets Manager values beyond the service token.
func runPhaseWith(t *testing.T, em *emulator.Emulator, b buildspec, phase, dir string, vars, secrets map[string]string) (map[string]string, string) {
	t.Helper()
	exported, out, err := runPhases(t, em, b, []string{phase}, dir, vars, secrets)
	assert.NilError(t, err, "phase %s failed", phase)
	return exported, out
}

// runPhases runs phases one after another in one bash, as CodeBuild does, and returns the
// exported variables, the output and any failure; vars may set PATH.
func runPhases(t *testing.T, em *emulator.Emulator, b buildspec, phases []string, dir string, vars, secrets map[string]string) (map[string]string, string, error) {
	t.Helper()
	script := "set -euo pipefail\n"
	for _, phase := range phases {
		for _, c := range b.Phases[phase].Commands {
			script += "{\n" + c + "\n} || exit $?\n"
		}
	}
	for _, v := range b.Env.ExportedVariable {
		script += "echo \"EXPORTED " + v + "=${" + v + ":-}\"\n"
	}
	cmd := exec.Command("bash", "-c", script)
	cmd.Dir = dir
	// A later entry of cmd.Env wins over an earlier one of the same name.
	cmd.Env = []string{"PATH=" + binDir(t) + ":/usr/bin:/bin", "HOME=" + t.TempDir(), "CODEBUILD_BUILD_ID=psflow-test:1", "CODEBUILD_SRC_DIR=" + dir,
		"PLANETSCALE_API_URL=" + em.URL(), "PSFLOW_MYSQL_CA=" + em.CAFile()}
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	for k, v := range b.Env.Variables {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	values := map[string]string{"PLANETSCALE_SERVICE_TOKEN_ID": em.TokenID(), "PLANETSCALE_SERVICE_TOKEN": em.Token()}
	for k, v := range secrets {
		values[k] = v
	}
	var names []string
	for k := range b.Env.SecretsManager {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		assert.Assert(t, values[k] != "", "no value for the secret %s of the buildspec", k)
		cmd.Env = append(cmd.Env, k+"="+values[k])
	}
	out, err := cmd.CombinedOutput()
	t.Logf("%s:\n%s", strings.Join(phases, ", "), out)
	for k, v := range values {
		if k != "PLANETSCALE_SERVICE_TOKEN_ID" {
			assert.Check(t, !strings.Contains(string(out), v), "the secret %s was printed", k)
		}
	}
	exported := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if rest, ok := strings.CutPrefix(line, "EXPORTED "); ok {
			k, v, _ := strings.Cut(rest, "=")
			exported[k] = v
		}
	}
	return exported, string(out), err
}

// TestCodeBuildPipeline runs the guide's QA and production builds whole on a host without
// psflow, against an emulator; docker and aws only log their calls.
func TestCodeBuildPipeline(t *testing.T) {
	em := startEmulator(t)
	dir := t.TempDir()
	copyTree(t, "testdata/codebuild", dir)
	self, err := os.ReadFile(testbin.Psflow(t))
	assert.NilError(t, err)
	all := []string{"install", "pre_build", "build"}

	// QA: the dev branch is created and gets its rows; the container is
	// deployed with a password that does not expire.
	qa := readBuildspec(t, "buildspec-qa.yml")
	host := newCodeBuildHost(t, &qa, self)
	exported, out, err := runPhases(t, em, qa, all, dir, host.vars, buildSecrets)
	assert.NilError(t, err)
	assert.Equal(t, exported["PSFLOW_OUT_BRANCH"], "dev")
	first := exported["PSFLOW_OUT_PASSWORD_ID"]
	assert.Check(t, first != "")
	assert.Check(t, is.Contains(out, "created=true"))
	assert.Check(t, is.Contains(out, "loaded db/data/hotels.sql: 1 statements, 2 rows"))
	assert.Check(t, is.Contains(branchNames(em), "dev"))
	assert.DeepEqual(t, devPasswords(em), map[string]bool{first: true})
	calls := host.calls(t)
	assert.Check(t, is.Contains(calls, "docker push 111122223333.dkr.ecr.us-east-1.amazonaws.com/bookings-api:qa\n"))
	deploy := lightsailDeploy(t, calls)
	assert.Check(t, is.Contains(deploy, `"image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/bookings-api:qa"`))
	assert.Check(t, is.Regexp(`"DSN":"pscale_[^:"]+:pscale_pw_[^@"]+@tcp\([^)"]+\)/bookings_api\?`, deploy), "the QA container has no DSN")

	// The next QA build reuses dev as it is (its rows and schema stay) and
	// renews the password: the new deployment's replaces the last one's.
	exported, out, err = runPhases(t, em, qa, all, dir, host.vars, buildSecrets)
	assert.NilError(t, err)
	assert.Check(t, is.Contains(out, "created=false"))
	assert.Check(t, !strings.Contains(out, "loaded db/data"), "dev was seeded again")
	second := exported["PSFLOW_OUT_PASSWORD_ID"]
	assert.DeepEqual(t, devPasswords(em), map[string]bool{second: true})

	// A developer changes dev's schema; the production build deploys it,
	// then the container, with production's DSN from Secrets Manager.
	devDB, ok := em.BranchDatabase("bookings_api", "dev")
	assert.Assert(t, ok)
	assert.NilError(t, em.Storage().Exec(t.Context(), devDB, "ALTER TABLE hotels ADD COLUMN description VARCHAR(400)"))
	prod := readBuildspec(t, "buildspec-prod.yml")
	host = newCodeBuildHost(t, &prod, self)
	exported, _, err = runPhases(t, em, prod, all, dir, host.vars, buildSecrets)
	assert.NilError(t, err)
	assert.Equal(t, exported["PSFLOW_OUT_NUMBER"], "1")
	assert.Check(t, is.Contains([]string{"complete", "complete_pending_revert"}, exported["PSFLOW_OUT_DEPLOYMENT_STATE"]))
	assert.Assert(t, hasColumn(t, em, "description"), "production schema unchanged")
	deploy = lightsailDeploy(t, host.calls(t))
	assert.Check(t, is.Contains(deploy, `"image":"111122223333.dkr.ecr.us-east-1.amazonaws.com/bookings-api:prod"`))
	assert.Check(t, is.Contains(deploy, `"DSN":"`+buildSecrets["PS_CONN_STR"]+`"`))

	// Run again with nothing to deploy: no request is opened, the outputs
	// are the deployed one's, and nothing is deployed again.
	exported, out = runPhaseWith(t, em, prod, "pre_build", dir, nil, buildSecrets)
	assert.Equal(t, exported["PSFLOW_OUT_NUMBER"], "1")
	assert.Equal(t, exported["PSFLOW_OUT_DEPLOYMENT_STATE"], "complete")
	assert.Check(t, is.Contains(out, "branch dev of acme/bookings_api has no schema changes since deploy request #1 into main"))
	assert.Check(t, is.Len(em.State().Databases[0].DeployRequests, 1), "a request was opened with nothing to deploy")
	assert.Equal(t, em.DeployCalls("bookings_api", 1), 1)
}

// devPasswords lists the ids of dev's passwords, each true when it never
// expires.
func devPasswords(em *emulator.Emulator) map[string]bool {
	out := map[string]bool{}
	for _, db := range em.State().Databases {
		for _, b := range db.Branches {
			if b.Name == "dev" {
				for _, p := range b.Passwords {
					out[p.ID] = p.ExpiresAt == nil
				}
			}
		}
	}
	return out
}

// lightsailDeploy returns the last aws lightsail create-container-service-deployment
// call among calls.
func lightsailDeploy(t *testing.T, calls string) string {
	t.Helper()
	var last string
	for _, line := range strings.Split(calls, "\n") {
		if strings.HasPrefix(line, "aws lightsail create-container-service-deployment ") {
			last = line
		}
	}
	assert.Assert(t, last != "", "no Lightsail deployment in:\n%s", calls)
	return last
}

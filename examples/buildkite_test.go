package examples

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// buildkiteStep is one step of a Buildkite pipeline.yml.
type buildkiteStep struct {
	Label        string   `yaml:"label"`
	Key          string   `yaml:"key"`
	If           string   `yaml:"if"`
	Block        string   `yaml:"block"`
	AllowedTeams []string `yaml:"allowed_teams"`
	DependsOn    string   `yaml:"depends_on"`
	Commands     []string `yaml:"commands"`
}

// buildkitePipeline is the part of pipeline.yml the tests read.
type buildkitePipeline struct {
	Env   map[string]string `yaml:"env"`
	Steps []buildkiteStep   `yaml:"steps"`
}

// buildkiteBuild is the steps whose if is cond as an agent runs them after pipeline upload turned
// $$ into $: a command step's commands in one bash -e -c, a block step waiting to be unblocked.
func buildkiteBuild(p buildkitePipeline, cond string, vars map[string]string) ciBuild {
	b := ciBuild{vars: map[string]string{}}
	for k, v := range p.Env {
		b.vars[k] = v
	}
	for k, v := range vars {
		b.vars[k] = v
	}
	for _, s := range p.Steps {
		switch {
		case s.If != cond:
		case s.Block != "":
			b.steps = append(b.steps, ciStep{name: s.Key, gate: true})
		default:
			script := strings.ReplaceAll(strings.Join(s.Commands, "\n"), "$$", "$")
			b.steps = append(b.steps, ciStep{name: s.Key, shell: []string{"bash", "-e", "-c"}, script: script})
		}
	}
	return b
}

// The if of the pipeline's steps for a pull request and for main.
const (
	buildkitePR   = "build.pull_request.id != null"
	buildkiteMain = "build.branch == pipeline.default_branch && build.pull_request.id == null"
)

func readBuildkite(t *testing.T) buildkitePipeline {
	t.Helper()
	var p buildkitePipeline
	readYAML(t, "buildkite/pipeline.yml", &p)
	return p
}

// buildkiteVars are the variables of a build of the pipeline bookings-api
// (GitHub) for branch, and for pull request #12 when pr.
func buildkiteVars(branch string, pr bool) map[string]string {
	vars := map[string]string{
		"CI": "true", "BUILDKITE": "true", "BUILDKITE_BRANCH": branch, "BUILDKITE_PULL_REQUEST": "false",
		"BUILDKITE_REPO": "git@github.com:acme/bookings-api.git", "BUILDKITE_COMMIT": "5e1c2b7a9d3f4e6a8b0c1d2e3f405162738495a6",
		"BUILDKITE_BUILD_NUMBER": "7", "BUILDKITE_BUILD_URL": "https://buildkite.com/acme/bookings-api/builds/7",
		"BUILDKITE_ORGANIZATION_SLUG": "acme", "BUILDKITE_PIPELINE_SLUG": "bookings-api", "BUILDKITE_PIPELINE_DEFAULT_BRANCH": "main",
	}
	if pr {
		vars["BUILDKITE_PULL_REQUEST"], vars["BUILDKITE_PULL_REQUEST_BASE_BRANCH"] = "12", "main"
		vars["BUILDKITE_PULL_REQUEST_REPO"] = "https://github.com/acme/bookings-api.git"
	}
	return vars
}

// TestBuildkitePipelineStructure: a block step db-admins unblock stands before main's deploy,
// and only psflow's commands get the service token, which no variable of the file holds.
func TestBuildkitePipelineStructure(t *testing.T) {
	t.Parallel()
	p := readBuildkite(t)
	pr, main := buildkiteBuild(p, buildkitePR, nil), buildkiteBuild(p, buildkiteMain, nil)
	assert.DeepEqual(t, stepNames(pr), []string{"pull-request"})
	assert.DeepEqual(t, stepNames(main), []string{"deploy-request", "approval: approve", "deploy"})
	gateBefore(t, main)
	assert.DeepEqual(t, p.Steps[2].AllowedTeams, []string{"db-admins"})
	assert.Check(t, is.Equal(p.Steps[2].DependsOn, "deploy-request"))
	assert.Check(t, is.Equal(p.Steps[3].DependsOn, "approve"))
	for k := range p.Env {
		assert.Check(t, !strings.HasPrefix(k, "PLANETSCALE_SERVICE_TOKEN"), "the pipeline's env holds %s", k)
	}
	bare := regexp.MustCompile(`(?m)^(\s*)(\S+ )?psflow (create-branch|seed-branch|open-deploy-request|wait-and-deploy|delete-branch)`)
	for _, s := range append(pr.steps, main.steps...) {
		for _, m := range bare.FindAllStringSubmatch(s.script, -1) {
			assert.Check(t, is.Equal(m[2], "with_token "), "step %s runs psflow without with_token", s.name)
		}
		assert.Check(t, s.gate || strings.Contains(s.script, "sha256sum --check --strict"), "step %s runs an unchecked psflow", s.name)
	}
}

// TestBuildkitePullRequestAndMerge runs the builds of pull request #12 and of main after the
// merge, with Buildkite secrets read through a stand-in buildkite-agent.
func TestBuildkitePullRequestAndMerge(t *testing.T) {
	t.Parallel()
	p := readBuildkite(t)
	h := newCIHost(t, startEmulator(t))
	agent := "#!/bin/sh\ncase \"$1 $2 $3\" in\n" +
		"'secret get planetscale_service_token_id') echo '" + h.em.TokenID() + "' ;;\n" +
		"'secret get planetscale_service_token') echo '" + h.em.Token() + "' ;;\n" +
		"*) echo \"buildkite-agent $*: not stood in for\" >&2; exit 1 ;;\nesac\n"
	assert.NilError(t, os.WriteFile(filepath.Join(h.tools, "buildkite-agent"), []byte(agent), 0o755))

	out := h.run(t, buildkiteBuild(p, buildkitePR, buildkiteVars("feature/orders", true)))
	assert.Check(t, is.Contains(out, "Buildkite: pull request #12 (event not reported) from feature/orders into main, repository github.com/acme/bookings-api"))
	h.changeRequestBuilt(t, out)

	h.merge(t, "Merge pull request #12 from acme/feature/orders")
	out = h.run(t, buildkiteBuild(p, buildkiteMain, buildkiteVars("main", false)))
	assert.Check(t, is.Contains(out, "Buildkite: branch main, repository github.com/acme/bookings-api"))
	h.mergeDeployed(t, out)
}

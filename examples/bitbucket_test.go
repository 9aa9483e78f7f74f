package examples

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// readYAML reads the example at path, relative to examples/, into v.
func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.FromSlash(path))
	assert.NilError(t, err)
	assert.NilError(t, yaml.Unmarshal(data, v))
}

// bitbucketStep is one step of a bitbucket-pipelines.yml.
type bitbucketStep struct {
	Name        string   `yaml:"name"`
	Deployment  string   `yaml:"deployment"`
	Trigger     string   `yaml:"trigger"`
	Script      []string `yaml:"script"`
	AfterScript []string `yaml:"after-script"`
}

// bitbucketPipeline is one pipeline: its steps.
type bitbucketPipeline []struct {
	Step bitbucketStep `yaml:"step"`
}

// bitbucketPipelines is the part of bitbucket-pipelines.yml the tests read.
type bitbucketPipelines struct {
	Image     string `yaml:"image"`
	Pipelines struct {
		PullRequests map[string]bitbucketPipeline `yaml:"pull-requests"`
		Branches     map[string]bitbucketPipeline `yaml:"branches"`
	} `yaml:"pipelines"`
}

// bitbucketBuild is a pipeline as Bitbucket runs it: each script in one bash stopping at the
// first failure, manual steps waiting, and deployment variables only in deployment steps.
func bitbucketBuild(p bitbucketPipeline, vars map[string]string) ciBuild {
	b := ciBuild{vars: vars}
	for _, s := range p {
		if s.Step.Trigger == "manual" {
			b.steps = append(b.steps, ciStep{name: s.Step.Name, gate: true})
		}
		env := map[string]string{}
		if s.Step.Deployment != "" {
			env["BITBUCKET_DEPLOYMENT_ENVIRONMENT"] = s.Step.Deployment
		}
		b.steps = append(b.steps, ciStep{name: s.Step.Name, shell: []string{"bash", "-e", "-c"},
			script: strings.Join(s.Step.Script, "\n"), env: env, token: s.Step.Deployment != ""})
	}
	return b
}

// bitbucketVars are the variables of a pipeline of acme/bookings-api on
// bitbucket.org for branch, and for pull request #12 when pr.
func bitbucketVars(branch string, pr bool) map[string]string {
	vars := map[string]string{
		"CI": "true", "BITBUCKET_BUILD_NUMBER": "7", "BITBUCKET_BRANCH": branch, "BITBUCKET_COMMIT": "5e1c2b7a9d3f",
		"BITBUCKET_WORKSPACE": "acme", "BITBUCKET_REPO_SLUG": "bookings-api", "BITBUCKET_REPO_FULL_NAME": "acme/bookings-api",
		"BITBUCKET_GIT_HTTP_ORIGIN": "http://bitbucket.org/acme/bookings-api", "BITBUCKET_PIPELINE_UUID": "{8b1c0a52-7f3e-4d21-9c6b-2a4e5f6d7c8b}",
	}
	if pr {
		vars["BITBUCKET_PR_ID"], vars["BITBUCKET_PR_DESTINATION_BRANCH"] = "12", "main"
	}
	return vars
}

// TestBitbucketPipelinesStructure: pull requests run branch, tests and deploy request; main's
// deploy is a manual step after it; only deployment steps get the token, which tests drop.
func TestBitbucketPipelinesStructure(t *testing.T) {
	t.Parallel()
	var c bitbucketPipelines
	readYAML(t, "bitbucket/bitbucket-pipelines.yml", &c)
	pr := bitbucketBuild(c.Pipelines.PullRequests["**"], nil)
	main := bitbucketBuild(c.Pipelines.Branches["main"], nil)
	assert.DeepEqual(t, stepNames(pr), []string{"PlanetScale branch, tests and deploy request"})
	assert.DeepEqual(t, stepNames(main), []string{"Deploy request of the merged pull request", "approval: Deploy to production", "Deploy to production"})
	assert.Check(t, is.Equal(c.Pipelines.Branches["main"][1].Step.Deployment, "production"))
	tokenOnlyWherePsflowRuns(t, pr)
	tokenOnlyWherePsflowRuns(t, main)
	gateBefore(t, main)
	assert.Check(t, is.Contains(pr.steps[0].script, "(unset PLANETSCALE_SERVICE_TOKEN_ID PLANETSCALE_SERVICE_TOKEN && . ./psflow.env && DSN="))
	for _, s := range append(pr.steps, main.steps...) {
		assert.Check(t, s.gate || strings.Contains(s.script, "sha256sum --check --strict"), "step %s runs an unchecked psflow", s.name)
	}
}

// TestBitbucketPullRequestAndMerge runs the pull request pipeline of pull
// request #12 and main's pipeline after Bitbucket merged it.
func TestBitbucketPullRequestAndMerge(t *testing.T) {
	t.Parallel()
	var c bitbucketPipelines
	readYAML(t, "bitbucket/bitbucket-pipelines.yml", &c)
	h := newCIHost(t, startEmulator(t))
	out := h.run(t, bitbucketBuild(c.Pipelines.PullRequests["**"], bitbucketVars("feature/orders", true)))
	assert.Check(t, is.Contains(out, "Bitbucket Pipelines: pull request #12 (event not reported) from feature/orders into main, repository bitbucket.org/acme/bookings-api"))
	h.changeRequestBuilt(t, out)

	h.merge(t, "Merged in feature/orders (pull request #12)")
	out = h.run(t, bitbucketBuild(c.Pipelines.Branches["main"], bitbucketVars("main", false)))
	assert.Check(t, is.Contains(out, "Bitbucket Pipelines: branch main, repository bitbucket.org/acme/bookings-api"))
	h.mergeDeployed(t, out)
}

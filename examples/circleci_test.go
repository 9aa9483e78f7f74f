package examples

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"gopkg.in/yaml.v3"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// circleWorkflowJob is a job's entry in a workflow.
type circleWorkflowJob struct {
	Context  string   `yaml:"context"`
	Type     string   `yaml:"type"`
	Requires []string `yaml:"requires"`
	Filters  struct {
		Branches struct {
			Only   string `yaml:"only"`
			Ignore string `yaml:"ignore"`
		} `yaml:"branches"`
	} `yaml:"filters"`
}

// circleConfig is the part of a CircleCI config.yml the tests read.
type circleConfig struct {
	Version   string `yaml:"version"`
	Executors map[string]struct {
		Environment map[string]string `yaml:"environment"`
	} `yaml:"executors"`
	Commands map[string]struct {
		Steps []yaml.Node `yaml:"steps"`
	} `yaml:"commands"`
	Jobs map[string]struct {
		Executor string      `yaml:"executor"`
		Steps    []yaml.Node `yaml:"steps"`
	} `yaml:"jobs"`
	Workflows map[string]struct {
		Jobs []map[string]circleWorkflowJob `yaml:"jobs"`
	} `yaml:"workflows"`
}

// steps expands a job's steps: each run in bash -eo pipefail, which reads
// BASH_ENV first, the config's commands in place, checkout left to the test.
func (c circleConfig) steps(t *testing.T, nodes []yaml.Node, token bool) []ciStep {
	t.Helper()
	var steps []ciStep
	for _, n := range nodes {
		if n.Kind == yaml.ScalarNode {
			if cmd, ok := c.Commands[n.Value]; ok {
				steps = append(steps, c.steps(t, cmd.Steps, token)...)
			}
			continue
		}
		var run struct {
			Run struct {
				Name    string `yaml:"name"`
				Command string `yaml:"command"`
			} `yaml:"run"`
		}
		assert.NilError(t, n.Decode(&run))
		steps = append(steps, ciStep{name: run.Run.Name, shell: []string{"bash", "-eo", "pipefail", "-c"}, script: run.Run.Command, token: token})
	}
	return steps
}

// build runs the jobs whose filters take branch, in order, an approval job waiting to be
// approved, and only jobs with a context given the service token.
func (c circleConfig) build(t *testing.T, branch string, vars map[string]string) ciBuild {
	t.Helper()
	b := ciBuild{vars: vars}
	for _, entry := range c.Workflows["planetscale"].Jobs {
		for name, wj := range entry {
			f := wj.Filters.Branches
			if (f.Only != "" && f.Only != branch) || f.Ignore == branch {
				continue
			}
			if wj.Type == "approval" {
				b.steps = append(b.steps, ciStep{name: name, gate: true})
				continue
			}
			job := c.Jobs[name]
			for k, v := range c.Executors[job.Executor].Environment {
				b.vars[k] = v
			}
			b.steps = append(b.steps, c.steps(t, job.Steps, wj.Context != "")...)
		}
	}
	return b
}

func readCircleCI(t *testing.T) circleConfig {
	t.Helper()
	var c circleConfig
	readYAML(t, "circleci/config.yml", &c)
	assert.Equal(t, c.Version, "2.1")
	return c
}

// circleVars are the variables of a job of acme/bookings-api (GitHub) on
// branch, and of pull request #12 when pr; BASH_ENV is the job's.
func circleVars(t *testing.T, branch string, pr bool) map[string]string {
	t.Helper()
	bashEnv := filepath.Join(t.TempDir(), "bash_env")
	assert.NilError(t, os.WriteFile(bashEnv, nil, 0o644))
	vars := map[string]string{
		"CI": "true", "CIRCLECI": "true", "CIRCLE_BRANCH": branch, "CIRCLE_SHA1": "5e1c2b7a9d3f4e6a8b0c1d2e3f405162738495a6",
		"CIRCLE_PROJECT_USERNAME": "acme", "CIRCLE_PROJECT_REPONAME": "bookings-api",
		"CIRCLE_REPOSITORY_URL": "git@github.com:acme/bookings-api.git", "CIRCLE_BUILD_NUM": "7",
		"CIRCLE_BUILD_URL": "https://circleci.com/gh/acme/bookings-api/7", "CIRCLE_WORKFLOW_ID": "6f2b1c3d-0a4e-4b5f-8c7d-9e0f1a2b3c4d",
		"BASH_ENV": bashEnv,
	}
	if pr {
		vars["CIRCLE_PULL_REQUEST"] = "https://github.com/acme/bookings-api/pull/12"
		vars["CIRCLE_PULL_REQUESTS"] = vars["CIRCLE_PULL_REQUEST"]
	}
	return vars
}

// TestCircleCIConfigStructure: main's deploy requires an approval after the deploy request;
// the token's contexts go only to psflow's jobs, and the tests unset it.
func TestCircleCIConfigStructure(t *testing.T) {
	t.Parallel()
	c := readCircleCI(t)
	pr, main := c.build(t, "feature/orders", map[string]string{}), c.build(t, "main", map[string]string{})
	assert.DeepEqual(t, stepNames(pr), []string{"Install psflow", "PlanetScale branch", "Tests", "Deploy request"})
	assert.DeepEqual(t, stepNames(main), []string{"Install psflow", "The merged pull request", "Deploy request of the merged pull request",
		"approval: approve-deploy", "Install psflow", "The merged pull request", "Deploy"})
	gateBefore(t, main)
	tokenOnlyWherePsflowRuns(t, ciBuild{steps: slices.DeleteFunc(slices.Clone(append(pr.steps, main.steps...)), func(s ciStep) bool { return s.name == "Install psflow" || s.name == "The merged pull request" })})
	jobs := map[string]circleWorkflowJob{}
	for _, entry := range c.Workflows["planetscale"].Jobs {
		for name, wj := range entry {
			jobs[name] = wj
		}
	}
	assert.Check(t, is.Equal(jobs["approve-deploy"].Context, ""))
	assert.DeepEqual(t, jobs["approve-deploy"].Requires, []string{"deploy-request"})
	assert.DeepEqual(t, jobs["deploy"].Requires, []string{"approve-deploy"})
	assert.Check(t, is.Equal(jobs["deploy"].Context, "planetscale-production"))
}

// TestCircleCIPullRequestAndMerge runs the workflow's jobs for a push to
// pull request #12 and for main after the merge.
func TestCircleCIPullRequestAndMerge(t *testing.T) {
	t.Parallel()
	c := readCircleCI(t)
	h := newCIHost(t, startEmulator(t))
	out := h.run(t, c.build(t, "feature/orders", circleVars(t, "feature/orders", true)))
	assert.Check(t, is.Contains(out, "CircleCI: pull request #12 (event not reported) from feature/orders, repository github.com/acme/bookings-api"))
	h.changeRequestBuilt(t, out)

	h.merge(t, "Add orders (#12)")
	out = h.run(t, c.build(t, "main", circleVars(t, "main", false)))
	assert.Check(t, is.Contains(out, "CircleCI: branch main, repository github.com/acme/bookings-api"))
	h.mergeDeployed(t, out)
}

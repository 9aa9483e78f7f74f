package examples

import (
	"path"
	"strings"
	"testing"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// azureStep is one step of an Azure Pipelines job, or a step template.
type azureStep struct {
	Script           string            `yaml:"script"`
	Template         string            `yaml:"template"`
	Task             string            `yaml:"task"`
	DisplayName      string            `yaml:"displayName"`
	Condition        string            `yaml:"condition"`
	Env              map[string]string `yaml:"env"`
	Inputs           map[string]string `yaml:"inputs"`
	TimeoutInMinutes int               `yaml:"timeoutInMinutes"`
}

// azureJob is one job of a stage.
type azureJob struct {
	Job       string      `yaml:"job"`
	DependsOn string      `yaml:"dependsOn"`
	Pool      any         `yaml:"pool"`
	Steps     []azureStep `yaml:"steps"`
}

// azurePipeline is the part of azure-pipelines.yml the tests read.
type azurePipeline struct {
	Variables []struct {
		Group string `yaml:"group"`
		Name  string `yaml:"name"`
		Value string `yaml:"value"`
	} `yaml:"variables"`
	Stages []struct {
		Stage     string     `yaml:"stage"`
		Condition string     `yaml:"condition"`
		DependsOn []string   `yaml:"dependsOn"`
		Jobs      []azureJob `yaml:"jobs"`
	} `yaml:"stages"`
}

// branchSet is the condition of the steps that run only when the merged
// pull request's step set PSFLOW_BRANCH.
const branchSet = "and(succeeded(), ne(variables['PSFLOW_BRANCH'], ''))"

// azureBuild is a stage's jobs as an agent runs them: scripts in bash -e -o pipefail, templates
// in place, ManualValidation waiting to be resumed; secrets reach a script only through env.
func azureBuild(t *testing.T, p azurePipeline, stage string, vars map[string]string) ciBuild {
	t.Helper()
	b := ciBuild{vars: map[string]string{}}
	for _, v := range p.Variables {
		if v.Name != "" {
			b.vars[v.Name] = v.Value
		}
	}
	for k, v := range vars {
		b.vars[k] = v
	}
	for _, s := range p.Stages {
		if s.Stage != stage {
			continue
		}
		for _, j := range s.Jobs {
			b.steps = append(b.steps, azureSteps(t, j.Steps)...)
		}
	}
	return b
}

func azureSteps(t *testing.T, steps []azureStep) []ciStep {
	t.Helper()
	var out []ciStep
	for _, s := range steps {
		switch {
		case s.Template != "":
			var tmpl struct {
				Steps []azureStep `yaml:"steps"`
			}
			readYAML(t, path.Join("azure", s.Template), &tmpl)
			out = append(out, azureSteps(t, tmpl.Steps)...)
		case strings.HasPrefix(s.Task, "ManualValidation@"):
			out = append(out, ciStep{name: s.Task, gate: true})
		default:
			c := ciStep{name: s.DisplayName, shell: []string{"bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c"}, script: s.Script}
			c.token = s.Env["PLANETSCALE_SERVICE_TOKEN_ID"] == "$(PLANETSCALE_SERVICE_TOKEN_ID)" && s.Env["PLANETSCALE_SERVICE_TOKEN"] == "$(PLANETSCALE_SERVICE_TOKEN)"
			if s.Condition == branchSet {
				c.when = "PSFLOW_BRANCH"
			}
			out = append(out, c)
		}
	}
	return out
}

func readAzure(t *testing.T) azurePipeline {
	t.Helper()
	var p azurePipeline
	readYAML(t, "azure/azure-pipelines.yml", &p)
	return p
}

// azureVars are the predefined variables of a run for acme/bookings-api on
// GitHub: a pull request build of #12, or a CI build of main.
func azureVars(dir string, pr bool) map[string]string {
	vars := map[string]string{
		"TF_BUILD": "True", "BUILD_REASON": "IndividualCI", "BUILD_SOURCEBRANCH": "refs/heads/main", "BUILD_SOURCEBRANCHNAME": "main",
		"BUILD_SOURCEVERSION": "5e1c2b7a9d3f4e6a8b0c1d2e3f405162738495a6", "BUILD_REPOSITORY_PROVIDER": "GitHub",
		"BUILD_REPOSITORY_NAME": "acme/bookings-api", "BUILD_REPOSITORY_URI": "https://github.com/acme/bookings-api",
		"BUILD_BUILDID": "7", "BUILD_BUILDNUMBER": "20261207.1", "BUILD_SOURCESDIRECTORY": dir,
		"SYSTEM_TEAMFOUNDATIONCOLLECTIONURI": "https://dev.azure.com/acme/", "SYSTEM_TEAMPROJECT": "bookings-api",
	}
	if pr {
		for k, v := range map[string]string{"BUILD_REASON": "PullRequest", "BUILD_SOURCEBRANCH": "refs/pull/12/merge", "BUILD_SOURCEBRANCHNAME": "merge",
			"SYSTEM_PULLREQUEST_PULLREQUESTNUMBER": "12", "SYSTEM_PULLREQUEST_PULLREQUESTID": "1838217372",
			"SYSTEM_PULLREQUEST_SOURCEBRANCH": "feature/orders", "SYSTEM_PULLREQUEST_TARGETBRANCH": "main"} {
			vars[k] = v
		}
	}
	return vars
}

// TestAzurePipelineStructure: Production runs on main's CI builds after an agentless
// ManualValidation that rejects on timeout; only psflow's steps get the service token.
func TestAzurePipelineStructure(t *testing.T) {
	t.Parallel()
	p := readAzure(t)
	assert.Check(t, is.Equal(p.Variables[0].Group, "planetscale"))
	pr, main := azureBuild(t, p, "PullRequest", nil), azureBuild(t, p, "Production", nil)
	assert.DeepEqual(t, stepNames(pr), []string{"Install psflow", "PlanetScale branch", "Tests", "Deploy request"})
	assert.DeepEqual(t, stepNames(main), []string{"Install psflow", "The merged pull request", "Deploy request",
		"approval: ManualValidation@1", "Install psflow", "The merged pull request", "Deploy"})
	tokenOnlyWherePsflowRuns(t, pr)
	tokenOnlyWherePsflowRuns(t, main)
	gateBefore(t, main)
	assert.Check(t, is.Equal(p.Stages[0].Condition, "eq(variables['Build.Reason'], 'PullRequest')"))
	prod := p.Stages[1]
	assert.Check(t, is.Equal(prod.Condition, "and(eq(variables['Build.SourceBranch'], 'refs/heads/main'), ne(variables['Build.Reason'], 'PullRequest'))"))
	assert.Check(t, prod.DependsOn != nil && len(prod.DependsOn) == 0, "Production waits for the skipped pull request stage")
	approve, deploy := prod.Jobs[1], prod.Jobs[2]
	assert.Check(t, is.Equal(approve.Pool, "server"), "ManualValidation runs only in an agentless job")
	assert.Check(t, is.Equal(approve.DependsOn, "deploy_request"))
	assert.Check(t, is.Equal(approve.Steps[0].Inputs["onTimeout"], "reject"))
	assert.Check(t, approve.Steps[0].Inputs["approvers"] != "")
	assert.Check(t, is.Equal(deploy.DependsOn, "approve"))
}

// TestAzurePullRequestAndMerge runs the pipeline's pull request build of #12
// and main's CI build after the merge.
func TestAzurePullRequestAndMerge(t *testing.T) {
	t.Parallel()
	p := readAzure(t)
	h := newCIHost(t, startEmulator(t))
	out := h.run(t, azureBuild(t, p, "PullRequest", azureVars(h.repo, true)))
	assert.Check(t, is.Contains(out, "Azure Pipelines: pull request #12 (event not reported) from feature/orders into main, repository github.com/acme/bookings-api"))
	h.changeRequestBuilt(t, out)

	h.merge(t, "Merge pull request #12 from acme/feature/orders")
	out = h.run(t, azureBuild(t, p, "Production", azureVars(h.repo, false)))
	assert.Check(t, is.Contains(out, "Azure Pipelines: branch main (push), repository github.com/acme/bookings-api"))
	h.mergeDeployed(t, out)
}

package examples

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// jenkinsfile is examples/jenkins/Jenkinsfile, read as far as the tests need:
// its stages, the steps each runs, and its own functions.
type jenkinsfile struct{ src string }

func readJenkinsfile(t *testing.T) jenkinsfile {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("jenkins", "Jenkinsfile"))
	assert.NilError(t, err)
	return jenkinsfile{string(data)}
}

// groovyEnd returns the index just past the Groovy token at i: a string
// literal, a comment, or one character.
func groovyEnd(src string, i int) int {
	for _, delim := range []string{"'''", `"""`, "'", `"`} {
		if strings.HasPrefix(src[i:], delim) {
			for j := i + len(delim); j < len(src); j++ {
				if src[j] == '\\' {
					j++
				} else if strings.HasPrefix(src[j:], delim) {
					return j + len(delim)
				}
			}
			return len(src)
		}
	}
	if strings.HasPrefix(src[i:], "//") {
		if n := strings.IndexByte(src[i:], '\n'); n >= 0 {
			return i + n
		}
		return len(src)
	}
	return i + 1
}

// block returns the body of the braces that open at or after the end of
// the first match of head in src.
func block(t *testing.T, src, head string) string {
	t.Helper()
	at := strings.Index(src, head)
	assert.Assert(t, at >= 0, "no %s in the Jenkinsfile", head)
	open := at + strings.IndexByte(src[at:], '{')
	depth := 0
	for i := open; i < len(src); {
		switch src[i] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return src[open+1 : i]
			}
		}
		i = groovyEnd(src, i)
	}
	t.Fatalf("unclosed block after %s", head)
	return ""
}

// stage returns the body of a stage, found by the path of names that leads
// to it.
func (j jenkinsfile) stage(t *testing.T, path ...string) string {
	t.Helper()
	src := block(t, j.src, "pipeline {")
	for _, name := range path {
		src = block(t, src, "stage('"+name+"')")
	}
	return src
}

// groovyString is the value of a single-quoted Groovy string literal.
func groovyString(lit string) string {
	q := "'"
	if strings.HasPrefix(lit, "'''") {
		q = "'''"
	}
	s := strings.TrimSuffix(strings.TrimPrefix(lit, q), q)
	return strings.NewReplacer(`\\`, `\`, `\'`, `'`).Replace(s)
}

// jenkinsCall matches the steps of a stage the tests run: the Jenkinsfile's
// installPsflow and psflow, sh, and the stage's input.
var jenkinsCall = regexp.MustCompile(`installPsflow\(\)|\b(psflow|sh) ('''|')|\binput \{`)

// steps lists a stage's steps as Jenkins runs them: its input first, then each sh in its own
// `sh -xe`, psflow's with the service token and psflow on PATH.
func (j jenkinsfile) steps(t *testing.T, workspace string, path ...string) []ciStep {
	t.Helper()
	body := j.stage(t, path...)
	name := path[len(path)-1]
	var steps []ciStep
	for i := 0; i < len(body); {
		loc := jenkinsCall.FindStringIndex(body[i:])
		if loc == nil {
			break
		}
		start := i + loc[0]
		call := body[start : i+loc[1]]
		switch {
		case call == "input {":
			steps = append(steps, ciStep{name: name, gate: true})
			i = start + len(call)
			continue
		case call == "installPsflow()":
			script := groovyString(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(block(t, j.src, "def installPsflow()")), "sh")))
			steps = append(steps, ciStep{name: name + ": install psflow", shell: []string{"sh", "-xe", "-c"}, script: script})
			i = start + len(call)
			continue
		}
		lit := start + strings.IndexAny(call, "'")
		end := groovyEnd(body, lit)
		s := ciStep{name: name, shell: []string{"sh", "-xe", "-c"}, script: groovyString(body[lit:end])}
		if strings.HasPrefix(call, "psflow") {
			s.token, s.path = true, filepath.Join(workspace, ".psflow", "bin")
		}
		steps = append(steps, s)
		i = end
	}
	return steps
}

// environment is the pipeline's environment directive.
func (j jenkinsfile) environment(t *testing.T) map[string]string {
	t.Helper()
	env := map[string]string{}
	for _, m := range regexp.MustCompile(`(\w+) = '([^']*)'`).FindAllStringSubmatch(block(t, j.src, "environment {"), -1) {
		env[m[1]] = m[2]
	}
	return env
}

// jenkinsVars are a multibranch build's variables of bookings-api (GitHub branch source) for
// branch, with its environment and parameters; PR-12's build has CHANGE_*.
func jenkinsVars(t *testing.T, j jenkinsfile, workspace, branch, commit string) map[string]string {
	t.Helper()
	vars := map[string]string{
		"JENKINS_URL": "https://jenkins.example.com/", "JOB_NAME": "bookings-api/" + branch, "JOB_BASE_NAME": branch,
		"BUILD_NUMBER": "7", "BUILD_ID": "7", "BUILD_TAG": "jenkins-bookings-api-" + branch + "-7",
		"BUILD_URL": "https://jenkins.example.com/job/bookings-api/job/" + branch + "/7/", "NODE_NAME": "built-in",
		"EXECUTOR_NUMBER": "0", "WORKSPACE": workspace, "BRANCH_NAME": branch, "GIT_BRANCH": branch, "GIT_COMMIT": commit,
		"GIT_URL": "https://github.com/acme/bookings-api.git", "DATA_BRANCHING": "false",
	}
	if branch == "PR-12" {
		for k, v := range map[string]string{"CHANGE_ID": "12", "CHANGE_BRANCH": "feature/orders", "CHANGE_TARGET": "main",
			"CHANGE_TITLE": "Add orders", "CHANGE_AUTHOR": "jenny", "CHANGE_URL": "https://github.com/acme/bookings-api/pull/12"} {
			vars[k] = v
		}
	}
	for k, v := range j.environment(t) {
		vars[k] = v
	}
	return vars
}

// jenkinsChangeRequest is the build of pull request #12 at commit in
// workspace.
func jenkinsChangeRequest(t *testing.T, j jenkinsfile, workspace, commit string) ciBuild {
	t.Helper()
	var steps []ciStep
	for _, name := range []string{"Install psflow", "Database branch", "Test", "Deploy request"} {
		steps = append(steps, j.steps(t, workspace, "Pull request", name)...)
	}
	return ciBuild{vars: jenkinsVars(t, j, workspace, "PR-12", commit), steps: steps}
}

// jenkinsMain is the build of main at commit in workspace.
func jenkinsMain(t *testing.T, j jenkinsfile, workspace, commit string) ciBuild {
	t.Helper()
	steps := j.steps(t, workspace, "Merged", "Deploy request")
	steps = append(steps, j.steps(t, workspace, "Merged", "Deploy")...)
	return ciBuild{vars: jenkinsVars(t, j, workspace, "main", commit), steps: steps}
}

// TestJenkinsfileStructure: PR stages run only for a change request, merged ones only on main;
// the token is bound only around psflow; the deploy's input (db-admins) comes before its agent.
func TestJenkinsfileStructure(t *testing.T) {
	t.Parallel()
	j := readJenkinsfile(t)
	assert.Check(t, is.Contains(j.stage(t, "Pull request"), "when { changeRequest() }"))
	assert.Check(t, is.Contains(j.stage(t, "Merged"), "when { branch 'main' }"))
	assert.Check(t, is.Contains(block(t, j.src, "parameters {"), "booleanParam(name: 'DATA_BRANCHING', defaultValue: false"))
	psflow := block(t, j.src, "def psflow(String script)")
	assert.Check(t, is.Contains(psflow, "usernamePassword(credentialsId: 'planetscale-service-token',\n      usernameVariable: 'PLANETSCALE_SERVICE_TOKEN_ID', passwordVariable: 'PLANETSCALE_SERVICE_TOKEN')"))
	assert.Check(t, is.Equal(strings.Count(j.src, "withCredentials"), 1), "the service token is bound outside psflow")
	assert.Check(t, is.Contains(j.src, "agent none"), "a pipeline agent would be held through the input")

	pr, main := jenkinsChangeRequest(t, j, "/workspace", ""), jenkinsMain(t, j, "/workspace", "")
	assert.DeepEqual(t, stepNames(pr), []string{"Install psflow: install psflow", "Database branch", "Test", "Deploy request"})
	assert.DeepEqual(t, stepNames(main), []string{"Deploy request: install psflow", "Deploy request", "approval: Deploy", "Deploy: install psflow", "Deploy"})
	tokenOnlyWherePsflowRuns(t, pr)
	tokenOnlyWherePsflowRuns(t, main)
	gateBefore(t, main)
	deploy := j.stage(t, "Merged", "Deploy")
	input := block(t, deploy, "input")
	assert.Check(t, is.Contains(input, "submitter 'db-admins'"))
	assert.Check(t, strings.Index(deploy, "input {") < strings.Index(deploy, "agent any"))
	assert.Check(t, !strings.Contains(deploy, "when"), "the deploy can be skipped")
}

// TestJenkinsPullRequestAndMerge runs the Jenkinsfile's stages with Jenkins' variables for pull
// request #12 and for main's build after the merge, which GitHub's merge commit names.
func TestJenkinsPullRequestAndMerge(t *testing.T) {
	t.Parallel()
	j := readJenkinsfile(t)
	h := newCIHost(t, startEmulator(t))
	out := h.run(t, jenkinsChangeRequest(t, j, h.repo, git(t, h.repo, "rev-parse", "HEAD")))
	assert.Check(t, is.Contains(out, "Jenkins: pull request #12 (event not reported) from feature/orders into main, repository github.com/acme/bookings-api"))
	assert.Check(t, is.Contains(out, "loaded db/data/orders.sql"))
	h.changeRequestBuilt(t, out)

	merge := h.merge(t, "Merge pull request #12 from acme/feature/orders")
	out = h.run(t, jenkinsMain(t, j, h.repo, merge))
	assert.Check(t, is.Contains(out, "Jenkins: branch main, repository github.com/acme/bookings-api"))
	h.mergeDeployed(t, out)
}

// TestJenkinsDataBranching: with the DATA_BRANCHING parameter the pull request's branch gets
// production's rows from the last backup instead of db/data.
func TestJenkinsDataBranching(t *testing.T) {
	t.Parallel()
	em := startEmulator(t, emulatortest.WithDataBranching())
	assert.NilError(t, em.Storage().Exec(t.Context(), mainDB(t, em), "INSERT INTO hotels (name, address) VALUES ('Grand', '1 Main St')"))
	actiontest.BackupOf(t, em, "bookings_api", "main")
	j := readJenkinsfile(t)
	h := newCIHost(t, em)
	b := jenkinsChangeRequest(t, j, h.repo, git(t, h.repo, "rev-parse", "HEAD"))
	b.vars["DATA_BRANCHING"] = "true"
	out := h.run(t, b)
	assert.Check(t, !strings.Contains(out, "loaded db/data"), "db/data was loaded into a branch with production's rows")
	runs := h.testsRun(t)
	assert.Assert(t, is.Len(runs, 1))
	dsn := strings.TrimSuffix(strings.TrimPrefix(runs[0], "go test ./... DSN="), " token=")
	var name string
	assert.NilError(t, actiontest.OpenDSN(t, em, dsn).QueryRow("SELECT name FROM hotels").Scan(&name))
	assert.Check(t, is.Equal(name, "Grand"))
}

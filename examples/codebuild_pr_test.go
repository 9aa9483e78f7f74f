package examples

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/internal/ghfake"
	"github.com/psflow/psflow/pkg/emulator"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// prProject is buildspec-pr.yml's CodeBuild project for pull request 314 of acme/bookings-api,
// against an emulator and a fake GitHub.
type prProject struct {
	em     *emulator.Emulator
	gh     *ghfake.Server
	b      buildspec
	dir    string // the checked-out source: a clone at the pull request's head
	origin string // the repository on GitHub, a bare repository here
}

func newPRProject(t *testing.T) *prProject {
	t.Helper()
	p := &prProject{em: startEmulator(t), gh: ghfake.New(t), b: readBuildspec(t, "buildspec-pr.yml"), dir: pullRequestSource(t), origin: t.TempDir()}
	p.gh.AddPull("acme", "bookings-api", 314, "open", false)
	git(t, p.dir, "init", "-q", "-b", "feature/change-314")
	commitAll(t, p.dir)
	git(t, p.origin, "init", "-q", "--bare")
	return p
}

// build runs the buildspec as CodeBuild does for a webhook event: its variables, Secrets Manager
// secrets, a fresh output file, and git reaching GitHub at the bare repository.
func (p *prProject) build(t *testing.T, event string) (map[string]string, string) {
	t.Helper()
	os.Remove(filepath.Join(p.dir, "psflow.env"))
	vars := actiontest.CodeBuildPullRequest("acme/bookings-api", 314, event)
	vars["PSFLOW_GITHUB_API_URL"] = p.gh.URL()
	vars["GIT_CONFIG_COUNT"] = "1"
	vars["GIT_CONFIG_KEY_0"] = "url." + p.origin + ".insteadOf"
	vars["GIT_CONFIG_VALUE_0"] = vars["CODEBUILD_SOURCE_REPO_URL"]
	return runPhaseWith(t, p.em, p.b, "build", p.dir, vars, map[string]string{"PSFLOW_GITHUB_TOKEN": p.gh.Token})
}

// merge merges the pull request on GitHub: main gets a merge commit of
// its files, which it returns, and the source stays at the head.
func (p *prProject) merge(t *testing.T) string {
	t.Helper()
	head := git(t, p.dir, "rev-parse", "HEAD")
	merge := git(t, p.dir, "-c", "user.name=ci", "-c", "user.email=ci@example.com", "commit-tree", head+"^{tree}", "-p", head, "-m", "Merge pull request #314")
	git(t, p.dir, "push", "-q", p.origin, merge+":refs/heads/main")
	return merge
}

// comments returns the deploy request comments on the pull request.
func (p *prProject) comments() []string {
	var out []string
	for _, c := range p.gh.Comments("acme", "bookings-api", 314) {
		if strings.HasPrefix(c.Body, "<!-- psflow:deploy-request:bookings_api:pr-314 -->") {
			out = append(out, c.Body)
		}
	}
	return out
}

func (p *prProject) created(t *testing.T) {
	t.Helper()
	exported, out := p.build(t, "PULL_REQUEST_CREATED")
	assert.Check(t, is.Contains(out, "AWS CodeBuild: pull request #314 (opened) from feature/change-314 into main, repository github.com/acme/bookings-api"))
	assert.Equal(t, exported["PSFLOW_OUT_BRANCH"], "pr-314")
	assert.Equal(t, exported["PSFLOW_OUT_NUMBER"], "1")
	assert.Equal(t, exported["PSFLOW_OUT_DEPLOYMENT_STATE"], "ready")
	assert.Check(t, is.Contains(branchNames(p.em), "pr-314"))
	assert.Check(t, !hasTable(t, p.em, "orders"), "production changed before the merge")
	comments := p.comments()
	assert.Assert(t, is.Len(comments, 1))
	assert.Check(t, is.Contains(comments[0], "CREATE TABLE `orders`"))
}

// TestCodeBuildPullRequestMerged: opened, updated and merged, a pull request gets one branch,
// request and comment; the merge seeds from main, deploys and deletes the branch.
func TestCodeBuildPullRequestMerged(t *testing.T) {
	t.Parallel()
	p := newPRProject(t)
	p.created(t)

	pushSecondChange(t, p.dir)
	commitAll(t, p.dir)
	exported, out := p.build(t, "PULL_REQUEST_UPDATED")
	assert.Check(t, is.Contains(out, "AWS CodeBuild: pull request #314 (updated)"))
	assert.Equal(t, exported["PSFLOW_OUT_BRANCH"], "pr-314")
	assert.Equal(t, exported["PSFLOW_OUT_NUMBER"], "1", "the open deploy request is reused")
	comments := p.comments()
	assert.Assert(t, is.Len(comments, 1), "the sticky comment is edited, not repeated")
	assert.Check(t, is.Contains(comments[0], "CREATE TABLE `payments`"))

	merge := p.merge(t)
	exported, out = p.build(t, "PULL_REQUEST_MERGED")
	assert.Check(t, is.Contains(out, "seeding the files of refs/heads/main at "+merge))
	assert.Check(t, is.Contains(out, "pull request #314 was merged: deploying its deploy request"))
	assert.Check(t, is.Contains(out, "these are the statements open-deploy-request reported (the reported_diff input)"))
	assert.Equal(t, exported["PSFLOW_OUT_NUMBER"], "1")
	assert.Equal(t, exported["PSFLOW_OUT_DEPLOYMENT_STATE"], "complete")
	assert.Equal(t, exported["PSFLOW_OUT_DELETED"], "pr-314")
	assert.Check(t, !slices.Contains(branchNames(p.em), "pr-314"), "the branch outlived the merge")
	assert.Check(t, hasTable(t, p.em, "orders"), "production schema unchanged after the merge")
	assert.Check(t, hasTable(t, p.em, "payments"), "the update was not deployed")
	assert.Equal(t, p.em.DeployCalls("bookings_api", 1), 1)
	comments = p.comments()
	assert.Assert(t, is.Len(comments, 1))
	assert.Check(t, is.Contains(comments[0], "**Deployed.**"))
}

// TestCodeBuildPullRequestClosed: a pull request opened and closed unmerged deploys nothing,
// and its branch is deleted.
func TestCodeBuildPullRequestClosed(t *testing.T) {
	t.Parallel()
	p := newPRProject(t)
	p.created(t)

	exported, out := p.build(t, "PULL_REQUEST_CLOSED")
	assert.Check(t, is.Contains(out, "AWS CodeBuild: pull request #314 (closed)"))
	assert.Check(t, is.Contains(out, "pull request #314 was closed: deleting its branch pr-314"))
	assert.Equal(t, exported["PSFLOW_OUT_DELETED"], "pr-314")
	assert.Equal(t, exported["PSFLOW_OUT_DEPLOYMENT_STATE"], "")
	assert.Check(t, !slices.Contains(branchNames(p.em), "pr-314"), "the branch outlived the pull request")
	assert.Check(t, !hasTable(t, p.em, "orders"), "a closed pull request changed production")
	assert.Equal(t, p.em.DeployCalls("bookings_api", 1), 0)
}

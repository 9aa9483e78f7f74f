package deploycomment

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/go-github/v60/github"
	"github.com/psflow/psflow/pkg/gh"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

// recordPrefix starts the hidden line of the sticky comment that carries
// what open-deploy-request reported, followed by the comment's key.
const recordPrefix = "<!-- psflow-reported "

// stickyPrefix starts every comment pkg/gh keeps (its marker line).
const stickyPrefix = "<!-- psflow:"

// recordLine is the hidden line that carries r in the comment of database
// and branch.
func recordLine(database, branch string, r Reported) string {
	return recordPrefix + gh.DeployRequestKey(database, branch) + " " + r.String() + " -->"
}

// Lookup is what a search for a Reported record found.
type Lookup struct {
	Reported *Reported // nil when nothing recorded what was reported
	From     string    // where it was read, or why there is nothing to read
}

// FindReported reads what open-deploy-request last reported about deploy
// request n of database and branch. When the run's pull request is on
// GitHub and the step has a github_token, it is the hidden record line of
// the oldest comment by the identity psflow posts as (see commentAuthor)
// that carries one for them: the sticky comment open-deploy-request keeps
// current. A comment carrying a record by anyone else is ignored, and the
// log says so once. Otherwise, or when no such comment records it, it is
// the record of the newest psflow review of the deploy request by this
// run's service token (see Remember). When nothing records it, Reported
// is nil and From says why. A comment or review that cannot be read is an
// error.
func FindReported(ctx context.Context, s *step.Step, c *planetscale.Client, database string, n uint64, branch string) (Lookup, error) {
	why, err := offGitHub(s)
	if err != nil {
		return Lookup{}, err
	}
	if why != "" {
		return findReview(ctx, s, c, database, n, why)
	}
	pr, err := pullRequestOf(ctx, s)
	var absent *noPullRequest
	if errors.As(err, &absent) {
		return findReview(ctx, s, c, database, n, absent.why)
	}
	if err != nil {
		return Lookup{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	prefix := recordPrefix + gh.DeployRequestKey(database, branch) + " "
	var line string
	var ignored []string
	found, err := gh.NewComments(pr.client).First(ctx, pr.target, func(ic *github.IssueComment) bool {
		rec, ok := recordIn(ic.GetBody(), prefix)
		if ok && !gh.IsBy(ic, pr.author.login) {
			ignored = append(ignored, fmt.Sprintf("%s by %s", ic.GetHTMLURL(), ic.GetUser().GetLogin()))
			return false
		}
		line = rec
		return ok
	})
	if len(ignored) > 0 {
		s.Logf("ignored %d comment(s) on %s carrying a record of what open-deploy-request reported, not written by %s, the identity psflow posts as (%s): %s",
			len(ignored), pr.target, pr.author.login, pr.author.how, strings.Join(ignored, ", "))
	}
	switch {
	case err != nil:
		return Lookup{}, err
	case found == nil:
		return findReview(ctx, s, c, database, n, fmt.Sprintf("no comment on %s by %s records it", pr.target, pr.author.login))
	}
	r, err := ParseReported(line)
	if err != nil {
		return Lookup{}, fmt.Errorf("the comment %s: %w", found.GetHTMLURL(), err)
	}
	return Lookup{Reported: &r, From: "the pull request comment " + found.GetHTMLURL()}, nil
}

// recordIn returns the encoded record of a psflow comment's line that
// starts with prefix.
func recordIn(body, prefix string) (string, bool) {
	if !strings.HasPrefix(body, stickyPrefix) {
		return "", false
	}
	for _, line := range strings.Split(body, "\n") {
		line = strings.TrimSpace(line)
		if rest, ok := strings.CutPrefix(line, prefix); ok {
			if rec, ok := strings.CutSuffix(rest, " -->"); ok {
				return rec, true
			}
		}
	}
	return "", false
}

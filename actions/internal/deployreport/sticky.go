package deployreport

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/go-github/v60/github"
	"github.com/psflow/psflow/actions/internal/reporteddiff"
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
func recordLine(database, branch string, r reporteddiff.Record) string {
	return recordPrefix + gh.DeployRequestKey(database, branch) + " " + r.String() + " -->"
}

// FindReported reads what open-deploy-request last reported about deploy
// request n: psflow's sticky comment, else its review (docs/design/actions-reporting.md).
func FindReported(ctx context.Context, s *step.Step, c *planetscale.Client, database string, n uint64, branch string) (reporteddiff.Lookup, error) {
	l, why, err := findInComment(ctx, s, database, branch)
	if err != nil || why == "" {
		return l, err
	}
	return reporteddiff.FindInReviews(ctx, s, c, database, n, why)
}

// findInComment reads the record in psflow's sticky comment on the run's
// pull request, or says why no comment gives it.
func findInComment(ctx context.Context, s *step.Step, database, branch string) (reporteddiff.Lookup, string, error) {
	why, err := offGitHub(s)
	if err != nil || why != "" {
		return reporteddiff.Lookup{}, why, err
	}
	pr, err := pullRequestOf(ctx, s)
	var absent *noPullRequest
	if errors.As(err, &absent) {
		return reporteddiff.Lookup{}, absent.why, nil
	}
	if err != nil {
		return reporteddiff.Lookup{}, "", err
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
		return reporteddiff.Lookup{}, "", err
	case found == nil:
		return reporteddiff.Lookup{}, fmt.Sprintf("no comment on %s by %s records it", pr.target, pr.author.login), nil
	}
	r, err := reporteddiff.Parse(line)
	if err != nil {
		return reporteddiff.Lookup{}, "", fmt.Errorf("the comment %s: %w", found.GetHTMLURL(), err)
	}
	return reporteddiff.Lookup{Record: &r, From: "the pull request comment " + found.GetHTMLURL()}, "", nil
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

// offGitHub says why the run's pull request has no sticky comment on
// GitHub to carry the record, "" when it has one.
func offGitHub(s *step.Step) (string, error) {
	rc, err := s.Context()
	if err != nil {
		return "", err
	}
	_, why := commentTarget(rc, s.String("github_api_url"))
	return why, nil
}

// OnGitHub reports whether the run's pull request is on GitHub, where its
// sticky comment carries the record (elsewhere a review does).
func OnGitHub(s *step.Step) bool {
	why, err := offGitHub(s)
	return err == nil && why == ""
}

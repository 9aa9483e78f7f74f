package deploycomment

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/go-github/v60/github"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/prcomment"
	"github.com/psflow/psflow/pkg/step"
)

// recordPrefix starts the hidden line of the sticky comment that carries
// what open-deploy-request reported, followed by the comment's key.
const recordPrefix = "<!-- psflow-reported "

// stickyPrefix starts every comment pkg/prcomment keeps (its marker line).
const stickyPrefix = "<!-- psflow:"

// recordLine is the hidden line that carries r in the comment of database
// and branch.
func recordLine(database, branch string, r Reported) string {
	return recordPrefix + prcomment.Key(database, branch) + " " + r.String() + " -->"
}

// Lookup is what a search for a Reported record found.
type Lookup struct {
	Reported *Reported // nil when nothing recorded what was reported
	From     string    // where it was read, or why there is nothing to read
}

// FindReported reads what open-deploy-request last reported about deploy
// request n of database and branch. When the run's pull request is on
// GitHub it is the hidden record line of the oldest psflow comment that
// carries one for them, which is the sticky comment open-deploy-request
// keeps current; it needs the step's github_token and github_api_url
// inputs. Elsewhere (another host, no pull request) it is the record of
// the newest psflow review of the deploy request (see Remember). When
// nothing records it, Reported is nil and From says why. A comment or
// review that cannot be read is an error.
func FindReported(ctx context.Context, s *step.Step, c *planetscale.Client, database string, n uint64, branch string) (Lookup, error) {
	why, err := offGitHub(s)
	if err != nil {
		return Lookup{}, err
	}
	if why != "" {
		return findReview(ctx, c, database, n, why)
	}
	pr, err := pullRequestOf(s)
	var absent *noPullRequest
	if errors.As(err, &absent) {
		return Lookup{From: absent.why}, nil
	}
	if err != nil {
		return Lookup{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	prefix := recordPrefix + prcomment.Key(database, branch) + " "
	var line string
	found, err := prcomment.New(pr.client).First(ctx, pr.target, func(ic *github.IssueComment) bool {
		var ok bool
		line, ok = recordIn(ic.GetBody(), prefix)
		return ok
	})
	switch {
	case err != nil:
		return Lookup{}, err
	case found == nil:
		return Lookup{From: fmt.Sprintf("no comment on %s records it", pr.target)}, nil
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

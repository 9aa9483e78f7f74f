package deployreport

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/psflow/psflow/pkg/gh"
	"github.com/psflow/psflow/pkg/step"
)

// Publish writes markdown into the summary and the sticky comment, and
// returns "" when the comment shows it, else why not; it never fails the step.
func Publish(ctx context.Context, s *step.Step, database, branch, markdown string) string {
	s.Summary(markdown)
	if !s.Bool("comment") {
		return "the comment input is off"
	}
	pr, err := pullRequestOf(ctx, s)
	var absent *noPullRequest
	switch {
	case errors.As(err, &absent):
		s.Noticef("%s: the pull request comment was not written%s", absent.why, absent.hint)
		return absent.why
	case err != nil:
		s.Warnf("the pull request comment was not written: %v", err)
		return "the pull request comment was not written"
	}
	ctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	res, err := gh.NewComments(pr.client).By(pr.author.login).Upsert(ctx, pr.target, gh.DeployRequestKey(database, branch), markdown)
	if err != nil {
		s.Warnf("the pull request comment was not written: %v", err)
		return "the pull request comment was not written"
	}
	s.Logf("pull request comment on %s %s: %s", pr.target, res.Action, res.URL)
	if !strings.EqualFold(res.Author, pr.author.login) {
		s.Warnf("the pull request comment %s is by %s, but psflow counts only comments by %s (%s), so wait-and-deploy does not trust its record; "+
			"set comment_author: %s on open-deploy-request and wait-and-deploy", res.URL, res.Author, pr.author.login, pr.author.how, res.Author)
		return fmt.Sprintf("the pull request comment is by %s, not by %s", res.Author, pr.author.login)
	}
	return ""
}

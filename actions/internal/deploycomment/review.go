package deploycomment

import (
	"context"
	"fmt"
	"strings"

	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

// reviewMarker starts the line of a deploy request review that carries
// what open-deploy-request reported: "psflow reported v1 dr=…".
const reviewMarker = "psflow reported "

// reviewAccess is the service token access that lets psflow write its
// review: the spec's review_deploy_request takes "commented" reviews, a
// comment that approves nothing.
const reviewAccess = "review_deploy_request"

// Remember records what r reports as a "commented" review of its deploy
// request, for wait-and-deploy in a later build to check against, when the
// run's pull request has no sticky comment on GitHub to carry the record:
// a pull request on GitLab or Bitbucket, a build of no pull request. It
// writes a review only when the newest psflow review of the request
// records something else, so a re-run adds none. A review that cannot be
// written is a warning that names the access to grant; it never fails the
// step.
func Remember(ctx context.Context, s *step.Step, c *planetscale.Client, r Report) {
	if r.Reported == nil || r.Closed {
		return
	}
	why, err := offGitHub(s)
	if err != nil {
		s.Warnf("the review recording what open-deploy-request reported was not written on deploy request #%d of %s: %v", r.Number, r.Where, err)
		return
	}
	if why == "" {
		return // the sticky comment carries the record
	}
	want := r.Reported.String()
	const attempts = 2
	for attempt := 1; ; attempt++ {
		reviews, err := c.ListReviews(ctx, r.Database, r.Number)
		if err != nil {
			warnNotRemembered(s, r, err)
			return
		}
		if latest, line := latestReview(reviews); latest != nil && sameRecord(line, want) {
			if attempt == 1 {
				s.Logf("the review of deploy request #%d of %s by open-deploy-request already records what it reported (%s)", r.Number, r.Where, why)
			} else {
				s.Logf("recorded what open-deploy-request reported as a review of deploy request #%d of %s (its answer was lost)", r.Number, r.Where)
			}
			return
		}
		if _, err = c.CommentOnDeployRequest(ctx, r.Database, r.Number, reviewBody(r)); err == nil {
			s.Logf("recorded what open-deploy-request reported as a review of deploy request #%d of %s, where wait-and-deploy reads it (%s)", r.Number, r.Where, why)
			return
		}
		if !planetscale.Transient(err) || attempt == attempts {
			warnNotRemembered(s, r, err)
			return
		}
		s.Logf("the review of deploy request #%d was not written (%v); reading the reviews again", r.Number, err)
	}
}

// warnNotRemembered says that the review was not written, what follows,
// and, for a refusal, which access to grant (a 404 names it already).
func warnNotRemembered(s *step.Step, r Report, err error) {
	grant := ""
	if planetscale.IsKind(err, planetscale.KindForbidden) {
		grant = fmt.Sprintf(" (%s on database %s)", reviewAccess, r.Database)
	}
	s.Warnf("the review recording what open-deploy-request reported was not written: %v%s; "+
		"wait-and-deploy in another build deploys the request unchecked unless given reported_diff", err, grant)
}

// reviewBody is the body of the review that records what r reports: a
// note for whoever reads the deploy request on PlanetScale, then the
// record on a line of its own.
func reviewBody(r Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "open-deploy-request (psflow) reported %s for this deploy request", plural(len(r.Statements), "statement"))
	if len(r.Destructive) > 0 {
		fmt.Fprintf(&b, ", %s: %s", plural(len(r.Destructive), "destructive change"), oneLine(strings.Join(r.Destructive, "; ")))
	}
	b.WriteString(". wait-and-deploy deploys it only while it deploys exactly these statements; " +
		"after a change, run open-deploy-request again to report it.\n\n")
	b.WriteString(reviewMarker + r.Reported.String() + "\n")
	return b.String()
}

// latestReview returns the newest "commented" review that carries a
// record and the record's text, or nil. The spec does not say in which
// order reviews are listed: the newest is the one created last, and of
// those created at the same time the one listed last.
func latestReview(reviews []*planetscale.Review) (*planetscale.Review, string) {
	var latest *planetscale.Review
	var record string
	for _, rv := range reviews {
		line, ok := reviewRecord(rv)
		if ok && (latest == nil || !rv.CreatedAt.Before(latest.CreatedAt)) {
			latest, record = rv, line
		}
	}
	return latest, record
}

// reviewRecord returns the encoded record a psflow review carries.
func reviewRecord(rv *planetscale.Review) (string, bool) {
	if rv.State != "commented" {
		return "", false
	}
	for _, line := range strings.Split(rv.Body, "\n") {
		if rec, ok := strings.CutPrefix(strings.TrimSpace(line), reviewMarker); ok {
			return rec, true
		}
	}
	return "", false
}

// sameRecord reports whether the encoded record line records want.
func sameRecord(line, want string) bool {
	r, err := ParseReported(line)
	return err == nil && r.String() == want
}

// findReview reads what open-deploy-request reported about deploy request
// n from its newest psflow review; why says why the run has no sticky
// comment to read it from.
func findReview(ctx context.Context, c *planetscale.Client, database string, n uint64, why string) (Lookup, error) {
	reviews, err := c.ListReviews(ctx, database, n)
	if err != nil {
		return Lookup{}, err
	}
	rv, line := latestReview(reviews)
	if rv == nil {
		return Lookup{From: fmt.Sprintf("%s, and no review of deploy request #%d records it", why, n)}, nil
	}
	r, err := ParseReported(line)
	if err == nil && r.Number != n {
		err = fmt.Errorf("it records deploy request #%d", r.Number)
	}
	if err != nil {
		return Lookup{}, fmt.Errorf("the review %s of deploy request #%d: %w", rv.ID, n, err)
	}
	return Lookup{Reported: &r, From: fmt.Sprintf("the review open-deploy-request wrote on deploy request #%d at %s",
		n, rv.CreatedAt.UTC().Format("2006-01-02 15:04:05Z"))}, nil
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
// sticky comment carries the record; elsewhere a review of the deploy
// request does.
func OnGitHub(s *step.Step) bool {
	why, err := offGitHub(s)
	return err == nil && why == ""
}

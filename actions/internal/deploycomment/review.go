package deploycomment

import (
	"context"
	"fmt"
	"strings"

	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

// reviewMarker starts the line of a deploy request review that carries
// what open-deploy-request reported: "psflow reported v2 dr=…".
const reviewMarker = "psflow reported "

// reviewAccess is the service token access that lets psflow write its
// review: the spec's review_deploy_request takes "commented" reviews, a
// comment that approves nothing.
const reviewAccess = "review_deploy_request"

// Remember records what r reports as a "commented" review of its deploy
// request, for wait-and-deploy in a later build to check against, when no
// sticky comment by psflow carries the record: why, from Publish, says
// why not (a pull request on GitLab or Bitbucket, a build of no pull
// request, no github_token, the comment off or not written); "" means the
// comment carries it and nothing is written. It writes a review only when
// the newest review of the request by this service token records
// something else, so a re-run adds none. A review that cannot be written
// is a warning that names the access to grant; it never fails the step. A
// request the run just opened (created) has no reviews to read first.
func Remember(ctx context.Context, s *step.Step, c *planetscale.Client, r Report, why string, created bool) {
	if r.Reported == nil || r.Closed || why == "" {
		return
	}
	want := r.Reported.String()
	const attempts = 2
	for attempt := 1; ; attempt++ {
		var reviews []*planetscale.Review
		if !created || attempt > 1 {
			var err error
			if reviews, err = c.ListReviews(ctx, r.Database, r.Number); err != nil {
				warnNotRemembered(s, r, err)
				return
			}
		}
		if latest, line, _ := latestReview(reviews, s.String("service_token_id")); latest != nil && sameRecord(line, want) {
			if attempt == 1 {
				s.Logf("the review of deploy request #%d of %s by open-deploy-request already records what it reported (%s)", r.Number, r.Where, why)
			} else {
				s.Logf("recorded what open-deploy-request reported as a review of deploy request #%d of %s (its answer was lost)", r.Number, r.Where)
			}
			return
		}
		_, err := c.CommentOnDeployRequest(ctx, r.Database, r.Number, reviewBody(r))
		if err == nil {
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
		"wait-and-deploy in another build refuses to deploy the request unless given reported_diff or allow_unchecked", err, grant)
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

// latestReview returns the newest "commented" review by the service token
// tokenID that carries a record and the record's text, or nil, and the
// reviews carrying a record by any other actor, which are ignored. A
// review's actor is who wrote it; that a service token's actor id is the
// token's id is what the emulator does, not documented (spec: the actor's
// id is "The ID of the actor"): were it not, no review would count and
// wait-and-deploy would refuse, which is the safer way to be wrong. The
// spec does not say in which order reviews are listed: the newest is the
// one created last, and of those created at the same time the one listed
// last.
func latestReview(reviews []*planetscale.Review, tokenID string) (*planetscale.Review, string, []*planetscale.Review) {
	var latest *planetscale.Review
	var record string
	var ignored []*planetscale.Review
	for _, rv := range reviews {
		line, ok := reviewRecord(rv)
		switch {
		case !ok:
		case rv.Actor.ID != tokenID:
			ignored = append(ignored, rv)
		case latest == nil || !rv.CreatedAt.Before(latest.CreatedAt):
			latest, record = rv, line
		}
	}
	return latest, record, ignored
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
// n from its newest psflow review by this run's service token; why says
// why no sticky comment gave it. Reviews carrying a record by another
// actor are ignored, and the log says so once.
func findReview(ctx context.Context, s *step.Step, c *planetscale.Client, database string, n uint64, why string) (Lookup, error) {
	reviews, err := c.ListReviews(ctx, database, n)
	if err != nil {
		return Lookup{}, err
	}
	token := s.String("service_token_id")
	rv, line, ignored := latestReview(reviews, token)
	if len(ignored) > 0 {
		who := make([]string, 0, len(ignored))
		for _, o := range ignored {
			who = append(who, fmt.Sprintf("%s by %s", o.ID, actorName(o)))
		}
		s.Logf("ignored %d review(s) of deploy request #%d carrying a record of what open-deploy-request reported, not written by this service token (%s): %s",
			len(ignored), n, token, strings.Join(who, ", "))
	}
	if rv == nil {
		return Lookup{From: fmt.Sprintf("%s, and no review of deploy request #%d by service token %s records it", why, n, token)}, nil
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

// actorName names a review's actor: its display name and id.
func actorName(rv *planetscale.Review) string {
	if rv.Actor.Name == "" || rv.Actor.Name == rv.Actor.ID {
		return rv.Actor.ID
	}
	return fmt.Sprintf("%s (%s)", rv.Actor.Name, rv.Actor.ID)
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

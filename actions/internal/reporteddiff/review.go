package reporteddiff

import (
	"context"
	"fmt"
	"strings"

	"github.com/psflow/psflow/actions/internal/prose"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

// reviewMarker starts the line of a deploy request review that carries
// what open-deploy-request reported: "psflow reported v2 dr=…".
const reviewMarker = "psflow reported "

// reviewAccess is the service token access that lets psflow write its
// "commented" review, which approves nothing.
const reviewAccess = "review_deploy_request"

// Review is what a review of a deploy request records: the record, and
// in words, for whoever reads the request on PlanetScale, what was reported.
type Review struct {
	Record      Record
	OrgDatabase string   // "acme/app", for messages
	Database    string   // the database alone
	Statements  int      // how many statements were reported
	Destructive []string // why they can lose data, one reason each
}

// StoreInReview writes rv as a "commented" review of its deploy request
// when why says no sticky comment carries it; a failure is a warning.
func StoreInReview(ctx context.Context, s *step.Step, c *planetscale.Client, rv Review, why string, created bool) {
	if why == "" {
		return
	}
	n := rv.Record.Number
	want := rv.Record.String()
	const attempts = 2
	for attempt := 1; ; attempt++ {
		var reviews []*planetscale.Review
		if !created || attempt > 1 {
			var err error
			if reviews, err = c.ListReviews(ctx, rv.Database, n); err != nil {
				warnNotStored(s, rv, err)
				return
			}
		}
		if latest, line, _ := latestReview(reviews, s.String("service_token_id")); latest != nil && sameRecord(line, want) {
			if attempt == 1 {
				s.Logf("the review of deploy request #%d of %s by open-deploy-request already records what it reported (%s)", n, rv.OrgDatabase, why)
			} else {
				s.Logf("recorded what open-deploy-request reported as a review of deploy request #%d of %s (its answer was lost)", n, rv.OrgDatabase)
			}
			return
		}
		_, err := c.CommentOnDeployRequest(ctx, rv.Database, n, reviewBody(rv))
		if err == nil {
			s.Logf("recorded what open-deploy-request reported as a review of deploy request #%d of %s, where wait-and-deploy reads it (%s)", n, rv.OrgDatabase, why)
			return
		}
		if !planetscale.Transient(err) || attempt == attempts {
			warnNotStored(s, rv, err)
			return
		}
		s.Logf("the review of deploy request #%d was not written (%v); reading the reviews again", n, err)
	}
}

// warnNotStored says that the review was not written, what follows,
// and, for a refusal, which access to grant (a 404 names it already).
func warnNotStored(s *step.Step, rv Review, err error) {
	grant := ""
	if planetscale.IsKind(err, planetscale.KindForbidden) {
		grant = fmt.Sprintf(" (%s on database %s)", reviewAccess, rv.Database)
	}
	s.Warnf("the review recording what open-deploy-request reported was not written: %v%s; "+
		"wait-and-deploy in another build refuses to deploy the request unless given reported_diff or allow_unchecked", err, grant)
}

// reviewBody is the body of the review that records rv: a note for the
// reader on PlanetScale, then the record on a line of its own.
func reviewBody(rv Review) string {
	var b strings.Builder
	fmt.Fprintf(&b, "open-deploy-request (psflow) reported %s for this deploy request", prose.Count(rv.Statements, "statement"))
	if len(rv.Destructive) > 0 {
		fmt.Fprintf(&b, ", %s: %s", prose.Count(len(rv.Destructive), "destructive change"), prose.OneLine(strings.Join(rv.Destructive, "; ")))
	}
	b.WriteString(". wait-and-deploy deploys it only while it deploys exactly these statements; " +
		"after a change, run open-deploy-request again to report it.\n\n")
	b.WriteString(reviewMarker + rv.Record.String() + "\n")
	return b.String()
}

// latestReview returns the newest review by tokenID carrying a record, and
// the record, and the records by other actors, which are ignored.
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
	r, err := Parse(line)
	return err == nil && r.String() == want
}

// FindInReviews reads the record of deploy request n from its newest psflow
// review by this run's service token; why says why no comment gave it.
func FindInReviews(ctx context.Context, s *step.Step, c *planetscale.Client, database string, n uint64, why string) (Lookup, error) {
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
	r, err := Parse(line)
	if err == nil && r.Number != n {
		err = fmt.Errorf("it records deploy request #%d", r.Number)
	}
	if err != nil {
		return Lookup{}, fmt.Errorf("the review %s of deploy request #%d: %w", rv.ID, n, err)
	}
	return Lookup{Record: &r, From: fmt.Sprintf("the review open-deploy-request wrote on deploy request #%d at %s",
		n, rv.CreatedAt.UTC().Format("2006-01-02 15:04:05Z"))}, nil
}

// actorName names a review's actor: its display name and id.
func actorName(rv *planetscale.Review) string {
	if rv.Actor.Name == "" || rv.Actor.Name == rv.Actor.ID {
		return rv.Actor.ID
	}
	return fmt.Sprintf("%s (%s)", rv.Actor.Name, rv.Actor.ID)
}

// Lookup is what a search for a Record found.
type Lookup struct {
	Record *Record // nil when nothing recorded what was reported
	From   string  // where it was read, or why there is nothing to read
}

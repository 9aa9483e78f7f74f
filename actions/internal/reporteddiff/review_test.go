package reporteddiff

import (
	"testing"
	"time"

	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/pkg/planetscale"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// The review's body says in words what was reported and carries the
// record on a line of its own, which is what is read back.
func TestReviewBodyCarriesTheRecord(t *testing.T) {
	t.Parallel()
	rec := New(3, []string{"DROP TABLE `a`", "CREATE TABLE `b` (`id` int)"}, []string{"drops table `a`"})
	body := reviewBody(Review{Record: rec, Statements: 2, Destructive: []string{"drops table `a`"}})
	assert.Check(t, is.Contains(body, "open-deploy-request (psflow) reported 2 statements for this deploy request, 1 destructive change: drops table `a`."))
	assert.Check(t, is.Contains(body, "\n\npsflow reported "+rec.String()+"\n"))
	line, ok := reviewRecord(&planetscale.Review{State: "commented", Body: body})
	assert.Assert(t, ok)
	assert.Check(t, sameRecord(line, rec.String()))
}

// The newest psflow review by this service token wins, whatever the API's order.
// Approvals and others' comments are not records; another actor's record is ignored.
func TestLatestReview(t *testing.T) {
	t.Parallel()
	at := func(min int) time.Time { return time.Date(2025, 1, 2, 3, min, 0, 0, time.UTC) }
	ours, theirs := ps.Actor{ID: "tok", Name: "tok"}, ps.Actor{ID: "someone", Name: "Someone"}
	old, newer := New(3, []string{"DROP TABLE `a`"}, nil), New(3, []string{"DROP TABLE `b`"}, nil)
	reviews := []*planetscale.Review{
		{ID: "new", State: "commented", Body: "note\n\npsflow reported " + newer.String(), CreatedAt: at(5), Actor: ours},
		{ID: "old", State: "commented", Body: "psflow reported " + old.String(), CreatedAt: at(1), Actor: ours},
		{ID: "approval", State: "approved", Body: "psflow reported " + old.String(), CreatedAt: at(9), Actor: ours},
		{ID: "person", State: "commented", Body: "looks good; psflow reported it fine", CreatedAt: at(8), Actor: ours},
		{ID: "forged", State: "commented", Body: "psflow reported " + old.String(), CreatedAt: at(9), Actor: theirs},
	}
	rv, line, ignored := latestReview(reviews, "tok")
	assert.Assert(t, rv != nil)
	assert.Equal(t, rv.ID, "new")
	assert.Equal(t, line, newer.String())
	assert.Assert(t, is.Len(ignored, 1))
	assert.Equal(t, ignored[0].ID, "forged")

	// Of reviews created at once, the one listed last.
	reviews = append(reviews, &planetscale.Review{ID: "same time", State: "commented", Body: "psflow reported " + old.String(), CreatedAt: at(5), Actor: ours})
	rv, _, _ = latestReview(reviews, "tok")
	assert.Equal(t, rv.ID, "same time")

	rv, _, _ = latestReview(reviews[2:5], "tok")
	assert.Check(t, rv == nil)
}

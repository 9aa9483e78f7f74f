package emulator

import (
	"fmt"
	"html"
	"net/http"
	"time"
)

// reviewView is a review as the API returns it (spec:
// POST .../deploy-requests/{number}/reviews).
type reviewView struct {
	ID        string     `json:"id"`
	Body      string     `json:"body"`
	HTMLBody  string     `json:"html_body"`
	State     string     `json:"state"`
	CreatedAt string     `json:"created_at"`
	UpdatedAt string     `json:"updated_at"`
	Actor     *actorView `json:"actor"`
}

func (e *Emulator) reviewView(rv *review) reviewView {
	return reviewView{
		ID: rv.id, Body: rv.body, HTMLBody: "<p>" + html.EscapeString(rv.body) + "</p>", State: rv.state,
		CreatedAt: apiTime(rv.createdAt), UpdatedAt: apiTime(rv.createdAt), Actor: tokenActor(rv.actor),
	}
}

// createReviewRequest is the body of POST .../reviews, as pscale
// deploy-request review sends it: {"state":"approved"|"commented","body"}.
type createReviewRequest struct {
	State string `json:"state"`
	Body  string `json:"body"`
}

// reviewDeployRequest comments on or approves a deploy request; a token may approve its own only
// as the only token (spec require_approval_for_deploy; docs/design/emulator-deploy.md).
func (e *Emulator) reviewDeployRequest(w http.ResponseWriter, r *http.Request) error {
	var req createReviewRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	if req.State != "approved" && req.State != "commented" {
		return unprocessable("invalid state %q: a review is approved or commented", req.State)
	}
	if err := e.refreshPlan(r); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	db, dr, err := e.findDeployRequest(r)
	if err != nil {
		return err
	}
	actor := tokenOf(r)
	if req.State == "approved" {
		switch {
		case !e.granted(r, "approve_deploy_request"):
			// review_deploy_request takes either access (spec); which
			// one an approval needs is not documented. Only
			// approve_deploy_request names approving, so a token with
			// review_deploy_request alone may comment and not approve:
			// the stricter reading.
			return lacksAccess(fmt.Sprintf("approve deploy request #%d", dr.number), "approve_deploy_request")
		case dr.closed:
			return unprocessable("deploy request #%d is closed", dr.number)
		case actor == dr.creator && len(e.tokens) > 1:
			return unprocessable("you cannot approve your own deploy request: another administrator must approve deploy request #%d", dr.number)
		}
		dr.approved = true
	}
	rv := &review{id: randomString(12), body: req.Body, state: req.State, actor: actor, createdAt: time.Now()}
	dr.reviews = append(dr.reviews, rv)
	e.log.Info("deploy request reviewed", "database", db.name, "number", dr.number, "state", req.State)
	writeJSON(w, http.StatusCreated, e.reviewView(rv))
	return nil
}

func (e *Emulator) listReviews(w http.ResponseWriter, r *http.Request) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, dr, err := e.findDeployRequest(r)
	if err != nil {
		return err
	}
	views := make([]reviewView, 0, len(dr.reviews))
	for _, rv := range dr.reviews {
		views = append(views, e.reviewView(rv))
	}
	writeJSON(w, http.StatusOK, paginate(r, views))
	return nil
}

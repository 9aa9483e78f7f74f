package planetscale

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"

	"gotest.tools/v3/assert"
)

// The reviews of a deploy request are read across every page.
func TestListReviewsReadsEveryPage(t *testing.T) {
	t.Parallel()
	const total = 101
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, r.Method, http.MethodGet)
		assert.Equal(t, r.URL.Path, "/v1/organizations/acme/databases/app/deploy-requests/3/reviews")
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		perPage, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
		data := []map[string]any{}
		for i := (page - 1) * perPage; i < min(page*perPage, total); i++ {
			data = append(data, map[string]any{"id": strconv.Itoa(i + 1), "body": "note", "state": "commented", "created_at": "2025-01-02T03:04:05.000Z"})
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"type": "list", "data": data})
	}, quickRetry)
	reviews, err := c.ListReviews(context.Background(), "app", 3)
	assert.NilError(t, err)
	assert.Equal(t, len(reviews), total)
	assert.Equal(t, reviews[total-1].ID, strconv.Itoa(total))
	assert.Equal(t, reviews[0].CreatedAt.Format("15:04:05"), "03:04:05")
}

// A comment is a "commented" review, sent once: a 502 may have come after
// the API wrote it, so it is not sent again blindly.
func TestCommentOnDeployRequestIsSentOnce(t *testing.T) {
	t.Parallel()
	var posts atomic.Int32
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		posts.Add(1)
		assert.Equal(t, r.Method, http.MethodPost)
		assert.Equal(t, r.URL.Path, "/v1/organizations/acme/databases/app/deploy-requests/3/reviews")
		var body map[string]string
		assert.NilError(t, json.NewDecoder(r.Body).Decode(&body))
		assert.DeepEqual(t, body, map[string]string{"state": "commented", "body": "psflow reported v1"})
		w.WriteHeader(http.StatusBadGateway)
	}, quickRetry)
	_, err := c.CommentOnDeployRequest(context.Background(), "app", 3, "psflow reported v1")
	assert.Assert(t, Transient(err))
	assert.ErrorContains(t, err, "comment on deploy request #3 of acme/app: unavailable (HTTP 502")
	assert.Equal(t, posts.Load(), int32(1))
}

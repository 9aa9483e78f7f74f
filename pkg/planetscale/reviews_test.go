package planetscale

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"gotest.tools/v3/assert"
)

// The reviews and the operations of a deploy request are read across
// every page: a request of more than a page of statements is checked whole.
func TestDeployRequestListsReadEveryPage(t *testing.T) {
	t.Parallel()
	const total = 101
	for _, tc := range []struct {
		list string
		item func(i int) map[string]any
		read func(c *Client) (n int, last string, err error)
	}{
		{
			list: "reviews",
			item: func(i int) map[string]any {
				return map[string]any{"id": strconv.Itoa(i), "body": "note", "state": "commented", "created_at": "2025-01-02T03:04:05.000Z"}
			},
			read: func(c *Client) (int, string, error) {
				reviews, err := c.ListReviews(context.Background(), "app", 3)
				if err != nil || len(reviews) == 0 {
					return 0, "", err
				}
				if got := reviews[0].CreatedAt.Format("15:04:05"); got != "03:04:05" {
					return 0, "", fmt.Errorf("created_at read as %s", got)
				}
				return len(reviews), reviews[len(reviews)-1].ID, nil
			},
		},
		{
			list: "operations",
			item: func(i int) map[string]any {
				return map[string]any{"table_name": "t" + strconv.Itoa(i), "ddl_statement": "CREATE TABLE t" + strconv.Itoa(i) + " (id int)"}
			},
			read: func(c *Client) (int, string, error) {
				ops, err := c.Operations(context.Background(), "app", 3)
				if err != nil || len(ops) == 0 {
					return 0, "", err
				}
				return len(ops), ops[len(ops)-1].Table, nil
			},
		},
	} {
		t.Run(tc.list, func(t *testing.T) {
			t.Parallel()
			c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				assert.Equal(t, r.Method, http.MethodGet)
				assert.Equal(t, r.URL.Path, "/v1/organizations/acme/databases/app/deploy-requests/3/"+tc.list)
				page, _ := strconv.Atoi(r.URL.Query().Get("page"))
				perPage, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
				data := []map[string]any{}
				for i := (page - 1) * perPage; i < min(page*perPage, total); i++ {
					data = append(data, tc.item(i+1))
				}
				_ = json.NewEncoder(w).Encode(map[string]any{"type": "list", "data": data})
			}, quickRetry)
			n, last, err := tc.read(c)
			assert.NilError(t, err)
			assert.Equal(t, n, total)
			assert.Assert(t, strings.HasSuffix(last, strconv.Itoa(total)), "last item %q", last)
		})
	}
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

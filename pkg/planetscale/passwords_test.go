package planetscale

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"gotest.tools/v3/assert"
)

// A branch with more passwords than a page holds is listed whole.
func TestListPasswordsReadsEveryPage(t *testing.T) {
	t.Parallel()
	const total = 230
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		perPage, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
		data := []map[string]string{}
		for i := (page - 1) * perPage; i < min(page*perPage, total); i++ {
			data = append(data, map[string]string{"id": fmt.Sprint(i)})
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"data": data})
	}, RetryPolicy{Initial: time.Millisecond, Max: time.Millisecond, MaxElapsed: time.Millisecond, AttemptTimeout: time.Second})
	list, err := c.ListPasswords(context.Background(), "app", "pr-1")
	assert.NilError(t, err)
	assert.Equal(t, len(list), total)
	assert.Equal(t, list[total-1].PublicID, fmt.Sprint(total-1))
}

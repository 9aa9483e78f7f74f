package planetscale

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// passwordAPI fakes one branch's password endpoints: each create stores a password, then
// answers with the next status of creates (201 when they run out).
type passwordAPI struct {
	mu        sync.Mutex
	creates   []int
	posts     int
	deleted   []string
	passwords map[string]string // id → name
}

func (p *passwordAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	const base = "/v1/organizations/acme/databases/app/branches/pr-1/passwords"
	switch {
	case r.Method == http.MethodPost && r.URL.Path == base:
		var req struct{ Name string }
		_ = json.NewDecoder(r.Body).Decode(&req)
		p.posts++
		id := "pw" + strings.Repeat("x", p.posts)
		status := http.StatusCreated
		if len(p.creates) > 0 {
			status, p.creates = p.creates[0], p.creates[1:]
		}
		if status < 300 || status >= 500 {
			p.passwords[id] = req.Name // created, whatever the answer says
		}
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]string{"id": id, "name": req.Name, "plain_text": "secret-" + id})
	case r.Method == http.MethodGet && r.URL.Path == base:
		ids := slices.Sorted(maps.Keys(p.passwords))
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		perPage, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
		from := min(max(page-1, 0)*perPage, len(ids))
		data := []map[string]string{}
		for _, id := range ids[from:min(from+perPage, len(ids))] {
			data = append(data, map[string]string{"id": id, "name": p.passwords[id]})
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"data": data})
	case r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, base+"/"):
		id := strings.TrimPrefix(r.URL.Path, base+"/")
		delete(p.passwords, id)
		p.deleted = append(p.deleted, id)
		w.WriteHeader(http.StatusNoContent)
	default:
		http.NotFound(w, r)
	}
}

func TestMintPassword(t *testing.T) {
	t.Parallel()
	noRetry := RetryPolicy{Initial: time.Millisecond, Max: time.Millisecond, MaxElapsed: time.Millisecond, AttemptTimeout: time.Second}
	cases := []struct {
		name    string
		creates []int
		posts   int
		deleted []string
		err     string
		left    int
	}{
		{name: "first create succeeds", posts: 1, left: 1},
		{name: "a 502 after creating is reconciled", creates: []int{502}, posts: 2, deleted: []string{"pwx"}, left: 1},
		{name: "two 502s fail and leave nothing", creates: []int{502, 502}, posts: 2, deleted: []string{"pwx", "pwxx"}, err: "unavailable (HTTP 502)"},
		{name: "a refusal is not retried", creates: []int{422}, posts: 1, err: "invalid (HTTP 422)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			api := &passwordAPI{creates: tc.creates, passwords: map[string]string{}}
			c := newTestClient(t, api.ServeHTTP, noRetry)
			cred, err := c.MintPassword(context.Background(), "app", "pr-1", "psflow-1", "admin", time.Hour, t.Logf)
			if tc.err != "" {
				assert.Check(t, is.ErrorContains(err, tc.err))
				assert.Check(t, is.Contains(err.Error(), "create a admin password on branch pr-1 of acme/app"))
			} else {
				assert.NilError(t, err)
				assert.Check(t, is.Equal(cred.PlainText, "secret-pw"+strings.Repeat("x", tc.posts)))
			}
			assert.Check(t, is.Equal(api.posts, tc.posts))
			assert.Check(t, is.DeepEqual(api.deleted, tc.deleted))
			assert.Check(t, is.Len(api.passwords, tc.left), "passwords left: %v", api.passwords)
		})
	}
}

// The password of a lost answer is found among many: the list is read to
// its last page.
func TestMintPasswordFindsTheOrphanOnALaterPage(t *testing.T) {
	t.Parallel()
	api := &passwordAPI{creates: []int{503}, passwords: map[string]string{}}
	for i := range 150 {
		api.passwords[fmt.Sprintf("old%03d", i)] = fmt.Sprintf("psflow-old-%d", i)
	}
	c := newTestClient(t, api.ServeHTTP, RetryPolicy{Initial: time.Millisecond, Max: time.Millisecond, MaxElapsed: time.Millisecond, AttemptTimeout: time.Second})
	_, err := c.MintPassword(context.Background(), "app", "pr-1", "psflow-new", "admin", time.Hour, t.Logf)
	assert.NilError(t, err)
	assert.Check(t, is.DeepEqual(api.deleted, []string{"pwx"}))
	assert.Check(t, is.Len(api.passwords, 151))
}

package emulator

import (
	"context"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

func TestLineDiff(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, old, cur, want string
	}{
		{"new table", "", "CREATE TABLE t (\n  id int\n)", "+CREATE TABLE t (\n+  id int\n+)"},
		{"dropped table", "CREATE TABLE t (\n  id int\n)", "", "-CREATE TABLE t (\n-  id int\n-)"},
		{"added column", "CREATE TABLE t (\n  id int\n)", "CREATE TABLE t (\n  id int,\n  name text\n)",
			" CREATE TABLE t (\n-  id int\n+  id int,\n+  name text\n )"},
		{"unchanged", "a\nb", "a\nb", " a\n b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, lineDiff(tc.old, tc.cur), tc.want)
		})
	}
}

func TestFaultMatching(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		method, path, reqMethod, reqPath string
		want                             bool
	}{
		{"GET", "/v1/organizations/*/databases/*", "GET", "/v1/organizations/acme/databases/app", true},
		{"get", "/v1/organizations/*/databases/*", "GET", "/v1/organizations/acme/databases/app", true},
		{"", "/v1/organizations/*", "DELETE", "/v1/organizations/acme", true},
		{"*", "/v1/organizations/*", "POST", "/v1/organizations/acme/", true},
		{"POST", "/v1/organizations/*", "GET", "/v1/organizations/acme", false},
		{"GET", "/v1/organizations/*", "GET", "/v1/organizations/acme/databases", false},
		{"GET", "/v1/organizations/acme", "GET", "/v1/organizations/other", false},
	} {
		f := Fault{Method: tc.method, Path: tc.path}
		assert.Equal(t, f.matches(tc.reqMethod, tc.reqPath), tc.want, "%+v", tc)
	}
}

func TestPaginate(t *testing.T) {
	t.Parallel()
	items := []int{1, 2, 3, 4, 5}
	for _, tc := range []struct {
		query            string
		data             []int
		current, pages   int
		next, prev       *int
		nextURL, prevURL string
	}{
		{query: "", data: items, current: 1, pages: 1},
		{query: "?per_page=2", data: []int{1, 2}, current: 1, pages: 3, next: ptr(2), nextURL: "http://h/x?page=2&per_page=2"},
		{query: "?per_page=2&page=3", data: []int{5}, current: 3, pages: 3, prev: ptr(2), prevURL: "http://h/x?page=2&per_page=2"},
		{query: "?per_page=2&page=9", data: []int{}, current: 9, pages: 3, prev: ptr(3), prevURL: "http://h/x?page=3&per_page=2"},
		{query: "?per_page=0&page=-1", data: items, current: 1, pages: 1},
	} {
		env := paginate(httptest.NewRequest("GET", "http://h/x"+tc.query, nil), items)
		assert.Equal(t, env.Type, "list")
		assert.DeepEqual(t, env.Data, tc.data)
		assert.Equal(t, env.CurrentPage, tc.current, tc.query)
		assert.Equal(t, env.TotalPages, tc.pages, tc.query)
		assert.Equal(t, env.TotalCount, 5)
		assert.DeepEqual(t, env.NextPage, tc.next)
		assert.DeepEqual(t, env.PrevPage, tc.prev)
		if tc.nextURL != "" {
			assert.Equal(t, *env.NextPageURL, tc.nextURL)
		}
		if tc.prevURL != "" {
			assert.Equal(t, *env.PrevPageURL, tc.prevURL)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func TestSchedulerOrder(t *testing.T) {
	t.Parallel()
	s := newScheduler()
	defer s.stop()
	var (
		mu  sync.Mutex
		got []int
	)
	done := make(chan struct{})
	record := func(n int) func(context.Context) {
		return func(context.Context) {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, n)
			if len(got) == 4 {
				close(done)
			}
		}
	}
	s.after(60*time.Millisecond, record(4))
	s.after(20*time.Millisecond, record(3))
	s.after(0, record(1))
	s.after(0, record(2))
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("scheduled events did not run")
	}
	assert.DeepEqual(t, got, []int{1, 2, 3, 4})
}

func TestProfiles(t *testing.T) {
	t.Parallel()
	assert.DeepEqual(t, ProfileNames(), []string{"fast", "realistic", "zero"})
	zero, err := ProfileTimings("zero")
	assert.NilError(t, err)
	assert.Equal(t, zero, Timings{})
	real, err := ProfileTimings("realistic")
	assert.NilError(t, err)
	assert.Equal(t, real.RevertWindow, 30*time.Minute)
	assert.Equal(t, real.Scale(0.01).RevertWindow, 18*time.Second)
	_, err = ProfileTimings("slow")
	assert.Assert(t, is.ErrorContains(err, "unknown timing profile"))
}

func TestRateLimiterRefills(t *testing.T) {
	l := newRateLimiter(60)
	now := time.Unix(1000, 0)
	for range 60 {
		ok, _ := l.allow("tok", now)
		assert.Assert(t, ok)
	}
	ok, wait := l.allow("tok", now)
	assert.Assert(t, !ok)
	assert.Equal(t, wait, time.Second)
	ok, _ = l.allow("other", now)
	assert.Assert(t, ok, "the limit is per token")
	ok, _ = l.allow("tok", now.Add(time.Second))
	assert.Assert(t, ok, "one request regained after a second")
}

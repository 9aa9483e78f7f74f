package benchkit

import (
	"context"
	"net/http"
	"testing"
	"time"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"

	"github.com/psflow/psflow/pkg/emulator"
)

func TestPercentile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		xs   []int
		p    float64
		want int
	}{
		{nil, 50, 0},
		{[]int{7}, 95, 7},
		{[]int{5, 1, 4, 2, 3}, 50, 3},
		{[]int{5, 1, 4, 2, 3}, 0, 1},
		{[]int{5, 1, 4, 2, 3}, 100, 5},
		{[]int{10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}, 95, 19},
	}
	for _, tt := range tests {
		assert.Check(t, is.Equal(Percentile(tt.xs, tt.p), tt.want), "%v p%v", tt.xs, tt.p)
	}
}

func TestEmulatorRecordsEveryRequest(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	em, err := StartEmulator(ctx, emulator.Config{Databases: []string{"app"}, MySQLDSN: TestDSN(t), RateLimit: 2})
	assert.NilError(t, err)
	defer func() { assert.Check(t, em.Stop()) }()

	get := func(auth string) int {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, em.URL()+"/v1/organizations/"+Org+"/databases/app", nil)
		assert.NilError(t, err)
		req.Header.Set("Authorization", auth)
		res, err := http.DefaultClient.Do(req)
		assert.NilError(t, err)
		res.Body.Close()
		return res.StatusCode
	}
	token := em.TokenID() + ":" + em.Token()
	statuses := []int{get(token), get(token), get(token), get("wrong:token")}
	assert.DeepEqual(t, statuses, []int{200, 200, 429, 401})

	hits := em.Hits()
	assert.Equal(t, len(hits), 4)
	for i, h := range hits {
		assert.Check(t, is.Equal(h.Status, statuses[i]))
		assert.Check(t, !h.At.IsZero())
	}
	assert.Equal(t, len(em.Requests()), 4, "the emulator's own log agrees")
}

package emulator_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	"gotest.tools/v3/poll"
)

// A client that gives up on a delayed create must find nothing created:
// the delay ends when the client hangs up, even for a request with a body.
func TestDelayedRequestWithBodyIsNotServedAfterClientGivesUp(t *testing.T) {
	t.Parallel()
	e := emulatortest.Start(t)
	path := dbPath(e, "app") + "/branches"
	_, err := e.AddFault(emulator.Fault{Method: http.MethodPost, Path: path, Delay: 2 * time.Second, Count: 1})
	assert.NilError(t, err)

	cctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(cctx, http.MethodPost, e.URL()+path, strings.NewReader(`{"name":"late","parent_branch":"main"}`))
	assert.NilError(t, err)
	req.Header.Set("Authorization", e.TokenID()+":"+e.Token())
	req.Header.Set("Content-Type", "application/json")
	_, err = http.DefaultClient.Do(req)
	assert.Assert(t, err != nil, "the delayed request was answered")

	poll.WaitOn(t, func(poll.LogT) poll.Result {
		if len(e.Requests()) == 0 {
			return poll.Continue("the abandoned request is still held")
		}
		return poll.Success()
	}, poll.WithTimeout(time.Second), poll.WithDelay(10*time.Millisecond))
	assert.Equal(t, e.Requests()[0].Status, 0)
	_, ok := e.BranchDatabase("app", "late")
	assert.Assert(t, !ok, "the branch was created after its client gave up")
}

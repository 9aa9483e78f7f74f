package actiontest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/pkg/emulator"
	"gotest.tools/v3/assert"
)

// PullRequestEvent writes a pull_request event payload, as GitHub puts at
// GITHUB_EVENT_PATH, and returns its path.
func PullRequestEvent(t *testing.T, action string, number int, merged bool) string {
	t.Helper()
	payload := map[string]any{
		"action": action,
		"number": number,
		"pull_request": map[string]any{
			"number":   number,
			"title":    fmt.Sprintf("Change %d", number),
			"html_url": fmt.Sprintf("https://github.com/acme/app/pull/%d", number),
			"state":    map[bool]string{true: "closed", false: "open"}[action == "closed"],
			"merged":   merged,
			"head":     map[string]any{"ref": fmt.Sprintf("feature/change-%d", number)},
			"base":     map[string]any{"ref": "main"},
		},
		"repository": map[string]any{"full_name": "acme/app"},
	}
	data, err := json.Marshal(payload)
	assert.NilError(t, err)
	path := filepath.Join(t.TempDir(), "event.json")
	assert.NilError(t, os.WriteFile(path, data, 0o600))
	return path
}

// SDK is the official client pointed at em, for test setup and checks.
func SDK(t *testing.T, em *emulator.Emulator) *ps.Client {
	t.Helper()
	c, err := ps.NewClient(ps.WithBaseURL(em.URL()), ps.WithServiceToken(em.TokenID(), em.Token()))
	assert.NilError(t, err)
	return c
}

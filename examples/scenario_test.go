package examples

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/psflow/psflow/pkg/emulator"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// TestPullRequestsOverTime runs the example workflow under act for three
// pull requests over time, on both storages: each is opened, two get
// more pushes, they merge in another order than they were opened, and the
// third collides with the first. Production ends with the final schema of
// the two that merged cleanly, and the third changes nothing.
func TestPullRequestsOverTime(t *testing.T) {
	emulator.EachStorage(t, func(t *testing.T, opts ...emulator.Option) {
		t.Parallel()
		em := startEmulator(t, opts...)
		a := newActRunner(t, em, "bookings_api")
		events := t.TempDir()
		event := func(pr int, action string, merged bool) string {
			return prEvent(t, events, pr, action, merged)
		}

		// PR 1 adds a column, PR 2 a table, PR 3 the same column as PR 1,
		// differently.
		const noRows = "-- no seed rows yet\n"
		pr1 := a.repo(t, map[string]string{"db/schema/001_description.sql": "ALTER TABLE hotels ADD COLUMN description VARCHAR(400);\n", "db/seed/000.sql": noRows})
		pr2 := a.repo(t, map[string]string{"db/schema/001_reviews.sql": "CREATE TABLE reviews (id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT, hotel_id INT UNSIGNED NOT NULL, stars TINYINT UNSIGNED NOT NULL);\n", "db/seed/000.sql": noRows})
		pr3 := a.repo(t, map[string]string{"db/schema/001_description.sql": "ALTER TABLE hotels ADD COLUMN description VARCHAR(50) NOT NULL DEFAULT '';\n", "db/seed/000.sql": noRows})
		out := a.mustRun(t, pr1, event(1, "opened", false))
		assert.Check(t, is.Contains(out, "branch=pr-1 rows=0 deploy_request=1 state=ready"))
		a.mustRun(t, pr2, event(2, "opened", false))
		a.mustRun(t, pr3, event(3, "opened", false))

		// PR 1 edits its schema file: the branch is reset and the file runs
		// again; the request follows.
		writeTree(t, pr1, map[string]string{"db/schema/001_description.sql": "ALTER TABLE hotels ADD COLUMN description TEXT;\n"})
		commitAll(t, pr1)
		out = a.mustRun(t, pr1, event(1, "synchronize", false))
		assert.Check(t, is.Contains(out, "reset: db/schema/001_description.sql changed since it was applied"))
		assert.Check(t, is.Contains(out, "reusing deploy request #1"))

		// PR 2 adds a file sorting after the others: it runs alone.
		writeTree(t, pr2, map[string]string{"db/seed/001_reviews.sql": "INSERT INTO reviews (hotel_id, stars) VALUES (1, 5), (1, 4);\n"})
		commitAll(t, pr2)
		out = a.mustRun(t, pr2, event(2, "synchronize", false))
		assert.Check(t, is.Contains(out, "applied: db/seed/001_reviews.sql is new and sorts after every applied file"))
		assert.Check(t, is.Contains(out, "branch=pr-2 rows=2 deploy_request=2 state=ready"))

		// PR 2 merges first, then PR 1.
		a.mustRun(t, pr2, event(2, "closed", true))
		assert.Check(t, hasTable(t, em, "reviews"))
		assert.Check(t, !hasColumn(t, em, "description"))
		a.mustRun(t, pr1, event(1, "closed", true))
		assert.Check(t, hasTable(t, em, "reviews"), "PR 1's deploy dropped PR 2's table")
		assert.Check(t, hasColumn(t, em, "description"))
		assert.Check(t, is.Contains(hotels(t, em), "`description` text"))

		// PR 3 pushes again: its change collides with PR 1's, and the check
		// fails.
		writeTree(t, pr3, map[string]string{"db/seed/001_note.sql": "-- no rows yet\n"})
		commitAll(t, pr3)
		out, err := a.run(t, pr3, event(3, "synchronize", false))
		// act may drop a failed step's last log lines; its outputs and
		// the step's result always come through.
		assert.Check(t, err != nil, "the check passed for a request that cannot deploy")
		assert.Check(t, is.Contains(out, "::set-output:: conflicts=conflict on hotels"))
		assert.Check(t, is.Contains(out, "Failure - Main psflow/psflow/actions/open-deploy-request@v1"))
		before := hotels(t, em)

		// Merged all the same, it does not deploy.
		out, err = a.run(t, pr3, event(3, "closed", true))
		assert.Check(t, err != nil, "wait-and-deploy succeeded for a request that cannot deploy")
		assert.Check(t, is.Contains(out, "Failure - Main psflow/psflow/actions/wait-and-deploy@v1"))
		assert.Check(t, is.Contains(out, "::set-output:: deployment_state=error"))
		assert.Equal(t, em.DeployCalls("bookings_api", 3), 0, "wait-and-deploy called deploy")
		assert.Equal(t, hotels(t, em), before, "production changed")
		assert.Check(t, !slices.Contains(branchNames(em), "pr-1"))
		assert.Check(t, !slices.Contains(branchNames(em), "pr-2"))
	})
}

// prEvent writes a pull_request event for act and returns its path.
func prEvent(t *testing.T, dir string, number int, action string, merged bool) string {
	t.Helper()
	state := "open"
	if action == "closed" {
		state = "closed"
	}
	data, err := json.Marshal(map[string]any{
		"action": action, "number": number,
		"pull_request": map[string]any{
			"number": number, "title": fmt.Sprintf("Change %d", number), "state": state, "merged": merged,
			"html_url": fmt.Sprintf("https://github.com/acme/bookings-api/pull/%d", number),
			"head":     map[string]any{"ref": fmt.Sprintf("feature/change-%d", number)}, "base": map[string]any{"ref": "main"},
		},
		"repository": map[string]any{"full_name": "acme/bookings-api", "name": "bookings-api", "owner": map[string]any{"login": "acme"}},
	})
	assert.NilError(t, err)
	path := filepath.Join(dir, fmt.Sprintf("pr-%d-%s-%t.json", number, action, merged))
	assert.NilError(t, os.WriteFile(path, data, 0o644))
	return path
}

// hotels is production's CREATE TABLE of hotels.
func hotels(t *testing.T, em *emulator.Emulator) string { return table(t, em, "hotels") }

// table is production's CREATE TABLE of a table, or "".
func table(t *testing.T, em *emulator.Emulator, name string) string {
	t.Helper()
	tables, err := em.Storage().Schema(context.Background(), mainDB(t, em))
	assert.NilError(t, err)
	for _, tb := range tables {
		if tb.Name == name {
			return strings.ToLower(tb.SQL)
		}
	}
	return ""
}

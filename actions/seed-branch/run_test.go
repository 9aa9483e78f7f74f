package seedbranch_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

func TestSeedBranch(t *testing.T) {
	emulator.EachStorage(t, func(t *testing.T, opts ...emulator.Option) {
		t.Parallel()
		em := emulator.Start(t, opts...)
		env := newBranch(t, em, "pr-1")
		dir, blobs := copySeed(t)
		// A file, then a glob; the union is applied in path order.
		files := filepath.Join(dir, "data", "*.sql") + "\n" + filepath.Join(dir, "01_schema.sql")
		// On GitHub every secret is announced in an ::add-mask:: line first,
		// which tells the test the password. The token goes by flag so
		// that only assertMasked, which knows those lines, checks it.
		env["GITHUB_ACTIONS"] = "true"
		summary := filepath.Join(t.TempDir(), "summary.md")
		env["GITHUB_STEP_SUMMARY"] = summary
		delete(env, "PLANETSCALE_SERVICE_TOKEN")
		token := []string{"--service-token", em.Token()}

		r := actiontest.Exec(t, env, "seed-branch", append(token, "--branch", "pr-1", "--files", files)...)
		r.Assert(t, icmd.Success)
		// go-mysql-server counts one row affected for SET NAMES.
		rows := map[bool]string{true: "10", false: "9"}[len(opts) == 0]
		assert.DeepEqual(t, r.Outputs, map[string]string{
			"files": "3", "statements": "12", "rows": rows, "duration_s": r.Outputs["duration_s"], "skipped": "false",
			"result": "applied", "reason": "first run on this branch",
		})
		assertMasked(t, r, em.Token())
		assert.Check(t, is.Contains(r.Stdout(), "database app, TLS on, verified with the system roots and mysql_ca"))
		assert.Check(t, is.Contains(r.Stdout(), "password "))
		assert.Check(t, is.Contains(r.Stdout(), " deleted"))

		db := branchDB(t, em, "pr-1")
		assert.DeepEqual(t, queryStrings(t, db, "SELECT id, name, stars FROM hotels ORDER BY id"), [][]string{
			{"1", "Hotel California", "4"},
			{"2", "Grand Budapest 🏨", "5"},
			{"3", "Ryokan 旅館 ♨️", "4"},
			{"4", `O'Reilly's Inn; "quoted" -- not a comment`, "2"},
			{"5", "Emoji Palace 😀🎉", "5"},
		})
		// The trigger and the procedure were defined under DELIMITER and
		// ran; the view reads the rows.
		assert.DeepEqual(t, queryStrings(t, db, "SELECT hotel_id, note FROM audit ORDER BY hotel_id"), [][]string{
			{"1", "added; Hotel California"}, {"2", "added; Grand Budapest 🏨"}, {"3", "added; Ryokan 旅館 ♨️"},
			{"4", `added; O'Reilly's Inn; "quoted" -- not a comment`}, {"5", "added; Emoji Palace 😀🎉"},
		})
		assert.DeepEqual(t, queryStrings(t, db, "SELECT name FROM good_hotels ORDER BY id"), [][]string{
			{"Hotel California"}, {"Grand Budapest 🏨"}, {"Ryokan 旅館 ♨️"}, {"Emoji Palace 😀🎉"},
		})
		for id, want := range blobs {
			var got []byte
			assert.NilError(t, db.QueryRow("SELECT data FROM blobs WHERE id = ?", id).Scan(&got))
			assert.Check(t, bytes.Equal(got, want), "blob %d: %d bytes back, want %d", id, len(got), len(want))
		}
		assert.Equal(t, len(passwords(t, em, "pr-1")), 0, "the seed password was not deleted")

		md, err := os.ReadFile(summary)
		assert.NilError(t, err)
		for _, want := range []string{"### Branch `pr-1` of acme/app seeded", "| File | Statements | Rows | Bytes | Time |",
			"**applied**: first run on this branch.", "/01_schema.sql` | 7 | ", "/data/02_hotels.sql` | 2 | 5 |", "/data/03_blobs.sql` | 3 | 4 | 207.1 KiB |", "| **3 of 3 files** | **12** | **" + rows + "** |"} {
			assert.Check(t, is.Contains(string(md), want))
		}

		// The same files again: nothing is loaded.
		again := actiontest.Exec(t, env, "seed-branch", append(token, "--branch", "pr-1", "--files", files)...)
		again.Assert(t, icmd.Success)
		assert.Equal(t, again.Outputs["skipped"], "true")
		assert.Equal(t, again.Outputs["result"], "skipped")
		assert.Equal(t, again.Outputs["statements"], "0")
		assert.Check(t, is.Contains(again.Stdout(), "skipped: all 3 files were applied before and are unchanged"))
		assert.DeepEqual(t, queryStrings(t, db, "SELECT COUNT(*) FROM hotels"), [][]string{{"5"}})
		runs := markerRuns(t, db)
		assert.Equal(t, len(runs), 3)
		for _, r := range runs {
			assert.Equal(t, r.Status, "ok", r.File)
		}
		assert.Equal(t, len(passwords(t, em, "pr-1")), 0, "the skipping run's password was not deleted")
		counts := em.Counts()
		const pw = "/v1/organizations/{organization}/databases/{database}/branches/{branch}/passwords"
		assert.Equal(t, counts["POST "+pw], 2)
		assert.Equal(t, counts["DELETE "+pw+"/{id}"], 2)

		// once: false loads the files again on top, and records nothing.
		forced := actiontest.Exec(t, env, "seed-branch", append(token, "--branch", "pr-1", "--files", files, "--once=false", "--parallelism", "1")...)
		forced.Assert(t, icmd.Expected{ExitCode: 1})
		assert.Check(t, is.Regexp(`01_schema.sql:4: Error 1[0-9]+ \([0-9A-Z]+\): [Tt]able .*hotels.* already exists`, forced.Stdout()))
		assert.Check(t, is.Contains(forced.Stdout(), "what ran before the failure stays in the branch (once is false)"))
		assert.Equal(t, len(markerRuns(t, db)), 3)
	})
}

// assertMasked checks that every secret the step masked (GitHub's
// ::add-mask:: lines) and the given ones appear nowhere else in what the
// run printed.
func assertMasked(t *testing.T, r actiontest.Run, secrets ...string) {
	t.Helper()
	var printed []string
	for _, line := range strings.Split(r.Stdout()+r.Stderr(), "\n") {
		if s, ok := strings.CutPrefix(line, "::add-mask::"); ok {
			secrets = append(secrets, s)
			continue
		}
		printed = append(printed, line)
	}
	assert.Check(t, len(secrets) >= 3, "expected the token and the password to be masked, got %d masks", len(secrets))
	all := strings.Join(printed, "\n")
	for _, s := range secrets {
		assert.Check(t, !strings.Contains(all, s), "secret %.4s… printed", s)
	}
	for k, v := range r.Outputs {
		for _, s := range secrets {
			assert.Check(t, !strings.Contains(v, s), "output %s holds a secret", k)
		}
	}
}

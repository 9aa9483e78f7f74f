package seedbranch_test

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// A load longer than the heartbeat interval (10 s; 100 ms here) logs the file, bytes run,
// rows and their rate; the summary carries the totals.
func TestProgressHeartbeat(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, opts...)
		env := newBranch(t, em, "pr-1")
		repo := t.TempDir()
		env["PSFLOW_SUMMARY_FILE"] = filepath.Join(repo, "summary.md")
		writeFile(t, repo, "schema/t.sql", "CREATE TABLE t (id INT NOT NULL PRIMARY KEY);\n")
		rows := "INSERT INTO t VALUES (1), (2);\nINSERT INTO t VALUES (3);\n"
		script := rows + "SELECT SLEEP(1);\nINSERT INTO t VALUES (4);\n"
		data := writeFile(t, repo, "data/t.sql", script)
		seed := func(env map[string]string) actiontest.Run {
			return actiontest.Exec(t, env, "seed-branch", "--branch", "pr-1", "--schema", repo+"/schema", "--data", repo+"/data")
		}

		fast := map[string]string{"PSFLOW_HEARTBEAT_INTERVAL": "100ms"}
		for k, v := range env {
			fast[k] = v
		}
		r := seed(fast)
		r.Assert(t, icmd.Success)
		// While SLEEP runs, both INSERTs have committed: the bytes up to
		// the second one's semicolon.
		line := fmt.Sprintf("loading %s: %d B of %d B (%d%%), 3 rows in ", data, len(rows)-1, len(script), (len(rows)-1)*100/len(script))
		beats := regexp.MustCompile(`(?m)^`+regexp.QuoteMeta(line)+`[0-9.]+m?s, [0-9]+ rows/s$`).FindAllString(r.Stderr(), -1)
		assert.Check(t, len(beats) > 0, "no line %q… in\n%s", line, r.Stderr())
		assert.Check(t, is.Contains(r.Stderr(), fmt.Sprintf("loaded 1 data file: 4 statements, 4 rows, %d B in ", len(script))))
		summary := readSummary(t, env)
		assert.Check(t, regexp.MustCompile(fmt.Sprintf(`\| \*\*Total\*\* \| 4 \| 4 \| %d B \| [0-9.]+m?s \| [0-9]+ \|`, len(script))).MatchString(summary), summary)

		// Without the knob, a load of a second logs no heartbeat.
		r = seed(env)
		r.Assert(t, icmd.Success)
		assert.Check(t, !strings.Contains(r.Stderr(), "loading "), r.Stderr())
	})
}

// The knob takes a duration.
func TestProgressHeartbeatKnob(t *testing.T) {
	t.Parallel()
	em := emulatortest.Start(t)
	env := newBranch(t, em, "pr-1")
	env["PSFLOW_HEARTBEAT_INTERVAL"] = "soon"
	dir := t.TempDir()
	writeFile(t, dir, "t.sql", "CREATE TABLE t (id INT NOT NULL PRIMARY KEY);\n")
	r := actiontest.Exec(t, env, "seed-branch", "--branch", "pr-1", "--schema", dir)
	r.Assert(t, icmd.Expected{ExitCode: 2})
	assert.Check(t, is.Equal(strings.TrimSpace(r.Stderr()), `psflow seed-branch: PSFLOW_HEARTBEAT_INTERVAL: "soon" is not a positive duration`))
}

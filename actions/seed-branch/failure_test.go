package seedbranch_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/internal/testbin"
	"github.com/psflow/psflow/pkg/emulator"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
	"gotest.tools/v3/poll"
)

func TestSeedBranchFailureThenFix(t *testing.T) {
	emulator.EachStorage(t, func(t *testing.T, opts ...emulator.Option) {
		t.Parallel()
		em := emulator.Start(t, opts...)
		// The branch starts with main's schema: an empty table and a
		// table with a row (Data Branching or an earlier seed).
		env, db := branchWithRow(t, em, "pr-2", "CREATE TABLE countries (code CHAR(2) PRIMARY KEY, name VARCHAR(50) NOT NULL)")

		dir := t.TempDir()
		writeFile(t, dir, "01_rooms.sql", "CREATE TABLE rooms (id INT PRIMARY KEY, hotel VARCHAR(50) NOT NULL);\n"+
			"INSERT INTO rooms VALUES (1, 'A'), (2, 'B');\n"+
			"INSERT INTO countries VALUES ('PT', 'Portugal'), ('JP', 'Japan');\n")
		// With parallelism 1 the CREATE TABLE commits the rows before it,
		// so what the failure leaves is known.
		bad := "-- line 1\nINSERT INTO countries VALUES ('FR', 'France');\nCREATE TABLE notes (id INT PRIMARY KEY);\n" +
			"INSERT INTO contries VALUES ('DE', 'Germany');\n" +
			"CREATE TABLE never (id INT PRIMARY KEY);\n"
		second := writeFile(t, dir, "02_more.sql", bad)

		r := actiontest.Exec(t, env, "seed-branch", "--branch", "pr-2", "--files", dir, "--parallelism", "1")
		r.Assert(t, icmd.Expected{ExitCode: 1})
		assert.Check(t, is.Contains(r.Stderr(), "psflow seed-branch: branch pr-2 of acme/app: "+second+":4: Error 1146 ("))
		assert.Check(t, is.Contains(r.Stderr(), "contries"))
		assert.Check(t, is.Contains(r.Stderr(), "the next run brings the branch back to where it was before the first run, then applies every file"))
		assert.Equal(t, len(passwords(t, em, "pr-2")), 0, "the password outlived the failure")
		runs := markerRuns(t, db)
		assert.DeepEqual(t, []string{runs[0].Status, runs[1].Status}, []string{"ok", "failed"})
		assert.Equal(t, runs[1].File, second)
		assert.DeepEqual(t, queryStrings(t, db, "SELECT code FROM countries ORDER BY code"), [][]string{{"FR"}, {"JP"}, {"PT"}})
		assert.DeepEqual(t, queryStrings(t, db, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ('rooms', 'notes', 'never')"), [][]string{{"2"}})

		writeFile(t, dir, "02_more.sql", strings.Replace(bad, "contries", "countries", 1))
		fixed := actiontest.Exec(t, env, "seed-branch", "--branch", "pr-2", "--files", dir)
		fixed.Assert(t, icmd.Success)
		for _, want := range []string{"reset: the run applying " + second + " did not finish (failed)", "dropped table notes", "dropped table rooms",
			"emptied table countries", "kept with their rows, as they held rows before the first run: settings"} {
			assert.Check(t, is.Contains(fixed.Stderr()+fixed.Stdout(), want))
		}
		assert.Equal(t, fixed.Outputs["files"], "2")
		assert.Equal(t, fixed.Outputs["result"], "reset")
		assert.DeepEqual(t, queryStrings(t, db, "SELECT code FROM countries ORDER BY code"), [][]string{{"DE"}, {"FR"}, {"JP"}, {"PT"}})
		assert.DeepEqual(t, queryStrings(t, db, "SELECT id, hotel FROM rooms ORDER BY id"), [][]string{{"1", "A"}, {"2", "B"}})
		assert.DeepEqual(t, queryStrings(t, db, "SELECT COUNT(*) FROM never"), [][]string{{"0"}})
		assert.DeepEqual(t, queryStrings(t, db, "SELECT k, v FROM settings"), [][]string{{"theme", "dark"}})
		runs = markerRuns(t, db)
		assert.Equal(t, len(runs), 2)
		assert.DeepEqual(t, []string{runs[0].Status, runs[1].Status}, []string{"ok", "ok"})
		assert.Equal(t, len(passwords(t, em, "pr-2")), 0)
	})
}

func TestSeedBranchSIGTERM(t *testing.T) {
	emulator.EachStorage(t, func(t *testing.T, opts ...emulator.Option) {
		t.Parallel()
		em := emulator.Start(t, opts...)
		env := newBranch(t, em, "pr-3")
		// The test holds a named lock that the script then waits for, after
		// its rows: the signal comes in the middle of the load whatever the
		// server's speed, and nothing keeps running on the server after.
		db := branchDB(t, em, "pr-3")
		lock := holdLock(t, db)
		dir := t.TempDir()
		var b strings.Builder
		b.WriteString("CREATE TABLE events (id INT PRIMARY KEY, payload VARCHAR(200) NOT NULL);\n")
		for i := range 20 {
			b.WriteString("INSERT INTO events VALUES ")
			for j := range 100 {
				if j > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, "(%d,'%s')", i*100+j, strings.Repeat("x", 150))
			}
			b.WriteString(";\n")
		}
		fmt.Fprintf(&b, "SELECT GET_LOCK('%s', 60);\nCREATE TABLE after_lock (id INT);\n", lock)
		path := writeFile(t, dir, "big.sql", b.String())

		cmd := icmd.Command(testbin.Psflow(t), "seed-branch", "--branch", "pr-3", "--files", path)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
		for k, v := range env {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		res := icmd.StartCmd(cmd)
		assert.NilError(t, res.Error)
		poll.WaitOn(t, func(poll.LogT) poll.Result {
			if strings.Contains(res.Stderr(), "loading over") {
				return poll.Success()
			}
			return poll.Continue("not loading yet: %s", res.Stderr())
		}, poll.WithTimeout(30*time.Second), poll.WithDelay(10*time.Millisecond))
		poll.WaitOn(t, func(poll.LogT) poll.Result {
			var n int
			if err := db.QueryRow("SELECT COUNT(*) FROM events").Scan(&n); err != nil || n == 0 {
				return poll.Continue("no rows yet (%v)", err)
			}
			return poll.Success()
		}, poll.WithTimeout(30*time.Second), poll.WithDelay(10*time.Millisecond))
		assert.Equal(t, len(passwords(t, em, "pr-3")), 1, "the seed password exists while loading")
		assert.NilError(t, res.Cmd.Process.Signal(syscall.SIGTERM))
		start := time.Now()
		res = icmd.WaitOnCmd(30*time.Second, res)
		t.Logf("exit %d after %s\nstderr:\n%s", res.ExitCode, time.Since(start), res.Stderr())
		assert.Check(t, time.Since(start) < 8*time.Second, "psflow took %s to stop", time.Since(start))
		assert.Check(t, res.ExitCode != 0)
		assert.Check(t, is.Contains(res.Stderr(), "seeding branch pr-3 of acme/app was cancelled after "))
		assert.Check(t, is.Contains(res.Stderr(), " deleted"))
		assert.Equal(t, len(passwords(t, em, "pr-3")), 0, "a password was left on the branch")
		actiontest.AssertNoSecrets(t, actiontest.Run{Result: res}, em.Token())

		runs := markerRuns(t, db)
		assert.Equal(t, len(runs), 1)
		assert.Equal(t, runs[0].Status, "failed")
		assert.DeepEqual(t, queryStrings(t, db, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'after_lock'"), [][]string{{"0"}})
	})
}

func TestSeedBranchRefusesBadFilesBeforeAnyPassword(t *testing.T) {
	em := emulator.Start(t)
	env := newBranch(t, em, "pr-4")
	dir := t.TempDir()
	good := writeFile(t, dir, "good.sql", "SELECT 1;\n")
	empty := filepath.Join(dir, "empty")
	assert.NilError(t, os.Mkdir(empty, 0o755))
	writeFile(t, empty, "notes.txt", "not sql")
	loop := filepath.Join(dir, "loop.sql")
	assert.NilError(t, os.Symlink(loop, loop))
	cases := []struct {
		name string
		args []string
		msg  string
	}{
		{"missing file", []string{"--files", good + "," + filepath.Join(dir, "nope.sql")}, "input files: " + filepath.Join(dir, "nope.sql") + ": no such file or directory"},
		{"glob matching nothing", []string{"--files", filepath.Join(dir, "*.psql")}, "input files: " + filepath.Join(dir, "*.psql") + " matches no file"},
		{"directory without sql", []string{"--files", empty}, "input files: " + empty + " matches no file"},
		{"unreadable file", []string{"--files", loop}, "input files: " + loop + ": too many levels of symbolic links"},
		{"bad glob", []string{"--files", filepath.Join(dir, "[.sql")}, "input files: glob " + filepath.Join(dir, "[.sql") + ": syntax error in pattern"},
		{"no files", []string{"--files", " , "}, "input files: no file given: matches no file"},
		{"no connections", []string{"--files", good, "--parallelism", "0"}, "input parallelism: 0 is not a number of connections"},
		{"bad tls", []string{"--files", good, "--tls", "maybe"}, "input tls"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := actiontest.Exec(t, env, "seed-branch", append([]string{"--branch", "pr-4"}, tc.args...)...)
			r.Assert(t, icmd.Expected{ExitCode: 2})
			assert.Check(t, is.Contains(r.Stderr(), tc.msg))
		})
	}
	for endpoint, n := range em.Counts() {
		assert.Check(t, !strings.Contains(endpoint, "/passwords") || n == 0, "%s called %d times", endpoint, n)
	}
}

func TestSeedBranchPasswordCreateFails(t *testing.T) {
	em := emulator.Start(t)
	env := newBranch(t, em, "pr-5")
	dir := t.TempDir()
	path := writeFile(t, dir, "seed.sql", "CREATE TABLE t (id INT PRIMARY KEY);\n")
	_, err := em.AddFault(emulator.Fault{Method: "POST", Path: "/v1/organizations/*/databases/*/branches/*/passwords", Status: 503})
	assert.NilError(t, err)
	r := actiontest.Exec(t, env, "seed-branch", "--branch", "pr-5", "--files", path)
	r.Assert(t, icmd.Expected{ExitCode: 1})
	assert.Check(t, is.Contains(r.Stderr(), "create a admin password on branch pr-5 of acme/app"))
	// A 503 may hide a password created all the same: the run looked
	// after each of its two tries.
	const pw = "/v1/organizations/{organization}/databases/{database}/branches/{branch}/passwords"
	assert.Equal(t, em.Counts()["POST "+pw], 2)
	assert.Equal(t, em.Counts()["GET "+pw], 2)
	assert.Equal(t, len(passwords(t, em, "pr-5")), 0)
}

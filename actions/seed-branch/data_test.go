package seedbranch_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// Data files as mysqldump writes them: utf8mb4 text, quotes and comment
// markers inside strings, binary rows, LOCK TABLES and DISABLE KEYS.
func TestDataFiles(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, opts...)
		env := newBranch(t, em, "pr-1")
		repo := t.TempDir()
		writeFile(t, repo, "schema/hotels.sql", "CREATE TABLE hotels (id INT NOT NULL PRIMARY KEY, name VARCHAR(100) NOT NULL) DEFAULT CHARSET=utf8mb4;\n")
		writeFile(t, repo, "schema/blobs.sql", "CREATE TABLE blobs (id INT NOT NULL PRIMARY KEY, data LONGBLOB NOT NULL);\n")
		writeFile(t, repo, "data/01_hotels.sql", "/*!40101 SET NAMES utf8mb4 */;\nLOCK TABLES `hotels` WRITE;\n/*!40000 ALTER TABLE `hotels` DISABLE KEYS */;\n"+
			"INSERT INTO `hotels` VALUES (1,'Grand Budapest 🏨'),(2,'Ryokan 旅館 ♨️'),(3,'O\\'Reilly\\'s Inn; \"quoted\" -- not a comment');\n"+
			"/*!40000 ALTER TABLE `hotels` ENABLE KEYS */;\nUNLOCK TABLES;\n")
		blob := append(allBytes(), randomBytes(7, 64<<10)...)
		writeFile(t, repo, "data/02_blobs.sql", fmt.Sprintf("INSERT INTO `blobs` VALUES (1,_binary '%s'),(2,X'%X'),(3,X'');\n", dumpEscape(blob), blob))
		r := actiontest.Exec(t, env, "seed-branch", "--branch", "pr-1", "--schema", repo+"/schema", "--data", repo+"/data")
		r.Assert(t, icmd.Success)
		assert.Check(t, is.Equal(r.Outputs["rows"], map[bool]string{true: "7", false: "6"}[len(opts) == 0]), "go-mysql-server counts a row for SET NAMES")
		db := branchDB(t, em, "pr-1")
		assert.DeepEqual(t, queryStrings(t, db, "SELECT id, name FROM hotels ORDER BY id"), [][]string{
			{"1", "Grand Budapest 🏨"}, {"2", "Ryokan 旅館 ♨️"}, {"3", `O'Reilly's Inn; "quoted" -- not a comment`},
		})
		got := queryStrings(t, db, "SELECT id, HEX(data) FROM blobs ORDER BY id")
		want := strings.ToUpper(fmt.Sprintf("%X", blob))
		assert.DeepEqual(t, got, [][]string{{"1", want}, {"2", want}, {"3", ""}})
	})
}

// A data file that changes the schema is refused before anything runs.
func TestDataFilesRefuseDDL(t *testing.T) {
	t.Parallel()
	em := emulatortest.Start(t)
	env := newBranch(t, em, "pr-1")
	dir := t.TempDir()
	writeFile(t, dir, "rows.sql", "INSERT INTO t VALUES (1);\nCREATE TABLE u (id INT);\n")
	r := actiontest.Exec(t, env, "seed-branch", "--branch", "pr-1", "--data", dir)
	r.Assert(t, icmd.Expected{ExitCode: 2})
	assert.Check(t, is.Contains(r.Stderr(), "rows.sql:2: CREATE TABLE changes the schema; data files hold rows: put it in schema or migrations"))
	assert.Check(t, is.Len(passwords(t, em, "pr-1"), 0))
}

// Two runs at once on one branch take turns: the second waits for the first, and the data
// files' rows are loaded once.
func TestConcurrentRuns(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, opts...)
		env := newBranch(t, em, "pr-7")
		repo := t.TempDir()
		writeFile(t, repo, "schema/t.sql", "CREATE TABLE t (id INT NOT NULL PRIMARY KEY);\n")
		var rows strings.Builder
		// Enough rows that the runs overlap, few enough that the embedded
		// storage (whose inserts slow as a table grows) loads them well
		// inside the 20 s transaction timeout on a loaded machine.
		for i := range 600 {
			fmt.Fprintf(&rows, "INSERT INTO t VALUES (%d);\n", i)
		}
		writeFile(t, repo, "data/t.sql", rows.String())
		runs := make([]actiontest.Run, 2)
		var wg sync.WaitGroup
		for i := range runs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				runs[i] = actiontest.Exec(t, env, "seed-branch", "--branch", "pr-7", "--schema", repo+"/schema", "--data", repo+"/data", "--parallelism", "1")
			}()
		}
		wg.Wait()
		waited := 0
		for _, r := range runs {
			r.Assert(t, icmd.Success)
			if strings.Contains(r.Stderr(), "waiting for another seed-branch run on this branch to finish") {
				waited++
			}
		}
		assert.Check(t, waited <= 1)
		assert.DeepEqual(t, queryStrings(t, branchDB(t, em, "pr-7"), "SELECT COUNT(*) FROM t"), [][]string{{"600"}})
	})
}

package seedbranch_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator"
	"gotest.tools/v3/assert"
	"gotest.tools/v3/icmd"
)

// TestSeedBranchDump loads a mysqldump-style dump whose tables load in
// parallel while the next tables are created, as the loader does with a
// real dump.
func TestSeedBranchDump(t *testing.T) {
	emulator.EachStorage(t, func(t *testing.T, opts ...emulator.Option) {
		t.Parallel()
		em := emulator.Start(t, opts...)
		env := newBranch(t, em, "pr-6")
		const tables, inserts, perInsert = 12, 12, 50
		path := writeFile(t, t.TempDir(), "dump.sql", dump(tables, inserts, perInsert))
		r := actiontest.Exec(t, env, "seed-branch", "--branch", "pr-6", "--files", path, "--parallelism", "4")
		r.Assert(t, icmd.Success)
		rows := tables * inserts * perInsert
		if len(opts) == 0 {
			rows += 7 // go-mysql-server counts a row for each SET
		}
		assert.Equal(t, r.Outputs["rows"], fmt.Sprint(rows))
		db := branchDB(t, em, "pr-6")
		for i := range tables {
			got := queryStrings(t, db, fmt.Sprintf("SELECT COUNT(*), SUM(id), SUM(LENGTH(body)), MAX(body) FROM t%d", i))
			n := inserts * perInsert
			assert.DeepEqual(t, got, [][]string{{fmt.Sprint(n), fmt.Sprint(n * (n + 1) / 2), fmt.Sprint(n * 64), row(i, n)}})
		}
	})
}

// dump writes a script the way mysqldump does: session settings saved and
// restored around everything, and for each table a DROP and CREATE, then
// its rows in extended INSERTs between LOCK TABLES and DISABLE KEYS.
func dump(tables, inserts, perInsert int) string {
	var b strings.Builder
	b.WriteString("/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n/*!40101 SET NAMES utf8mb4 */;\n" +
		"/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;\n" +
		"/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;\n\n")
	for i := range tables {
		fmt.Fprintf(&b, "--\n-- Table structure for table `t%d`\n--\n\nDROP TABLE IF EXISTS `t%d`;\n", i, i)
		fmt.Fprintf(&b, "CREATE TABLE `t%d` (\n  `id` int NOT NULL,\n  `body` varchar(64) NOT NULL,\n  PRIMARY KEY (`id`),\n  KEY `body` (`body`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n\n", i)
		fmt.Fprintf(&b, "LOCK TABLES `t%d` WRITE;\n/*!40000 ALTER TABLE `t%d` DISABLE KEYS */;\n", i, i)
		id := 0
		for range inserts {
			fmt.Fprintf(&b, "INSERT INTO `t%d` VALUES ", i)
			for k := range perInsert {
				id++
				if k > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, "(%d,'%s')", id, row(i, id))
			}
			b.WriteString(";\n")
		}
		fmt.Fprintf(&b, "/*!40000 ALTER TABLE `t%d` ENABLE KEYS */;\nUNLOCK TABLES;\n\n", i)
	}
	b.WriteString("/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;\n/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;\n" +
		"/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;\n")
	return b.String()
}

// row is the 64-byte body of row id of table i, sorting like id.
func row(i, id int) string {
	return fmt.Sprintf("t%02d-%08d-%s", i, id, strings.Repeat("ü", 25))[:64-25] + strings.Repeat("z", 25)
}

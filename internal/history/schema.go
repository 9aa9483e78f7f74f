package history

import (
	"strings"
	"testing"

	"github.com/psflow/psflow/pkg/emulator"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// The files of the schema scenario.
const (
	rooms = "CREATE TABLE rooms (\n  id BIGINT NOT NULL AUTO_INCREMENT,\n  name VARCHAR(100) NOT NULL,\n  PRIMARY KEY (id)\n);\n"
	// roomsFloor is rooms with a column added at its end.
	roomsFloor       = "CREATE TABLE rooms (\n  id BIGINT NOT NULL AUTO_INCREMENT,\n  name VARCHAR(100) NOT NULL,\n  floor INT NOT NULL DEFAULT 0,\n  PRIMARY KEY (id)\n);\n"
	guests           = "CREATE TABLE guests (\n  id BIGINT NOT NULL AUTO_INCREMENT,\n  email VARCHAR(200) NOT NULL,\n  PRIMARY KEY (id),\n  UNIQUE KEY email (email)\n);\n"
	bookings         = "CREATE TABLE bookings (\n  id BIGINT NOT NULL AUTO_INCREMENT,\n  room_id BIGINT NOT NULL,\n  night DATE NOT NULL,\n  PRIMARY KEY (id),\n  KEY room_night (room_id, night)\n);\n"
	invoices         = "CREATE TABLE invoices (\n  id BIGINT NOT NULL AUTO_INCREMENT,\n  total_cents BIGINT NOT NULL,\n  PRIMARY KEY (id)\n);\n"
	invoicesCurrency = "CREATE TABLE invoices (\n  id BIGINT NOT NULL AUTO_INCREMENT,\n  total_cents BIGINT NOT NULL,\n  currency CHAR(3) NOT NULL DEFAULT 'EUR',\n  PRIMARY KEY (id)\n);\n"
	guestEmails      = "CREATE SQL SECURITY INVOKER VIEW guest_emails AS SELECT id, email FROM guests;\n"
)

// roomsNamed is rooms with the floor column and a name of width n.
func roomsNamed(n string) string {
	return strings.Replace(roomsFloor, "VARCHAR(100)", "VARCHAR("+n+")", 1)
}

// SchemaHistory plays one repository's life in schema mode through r and checks production's
// end state (docs/design/history-tests.md).
func SchemaHistory(t *testing.T, em *emulator.Emulator, r Runner) {
	repo := NewRepo(map[string]string{"README.md": "# bookings\n"})
	must := func(res Result, what string) Result { t.Helper(); return must(t, res, what) }

	// #1 adds the first table and its seed rows; every step runs again.
	pr1 := repo.Open(1).Set("db/schema/rooms.sql", rooms).Set("db/data/rooms.sql", "INSERT INTO rooms (id, name) VALUES (1, 'Ada'), (2, 'Grace');\n")
	prod := firstPR(t, em, r, repo, pr1)
	var res Result

	// #2 branches from production after #1 deployed, adds a column, and
	// edits its data file between pushes: the branch holds the new rows
	// only.
	pr2 := repo.Open(2).Set("db/schema/rooms.sql", roomsFloor).Set("db/data/rooms.sql", "INSERT INTO rooms (id, name, floor) VALUES (1, 'Ada', 1);\n")
	res = must(r.Push(t, 2, repo.Tree(pr2)), "#2 push")
	assert.Check(t, !strings.Contains(res.Output, "already exists"), "#2 replayed #1's files")
	pr2.Set("db/data/rooms.sql", "INSERT INTO rooms (id, name, floor) VALUES (1, 'Ada', 2), (3, 'Linus', 3);\n")
	must(r.Push(t, 2, repo.Tree(pr2)), "#2 second push")
	branch, ok := em.BranchDatabase("app", "pr-2")
	assert.Assert(t, ok)
	assert.DeepEqual(t, Query(t, Open(t, em, branch), "SELECT id, name, floor FROM rooms ORDER BY id"),
		[][]string{{"1", "Ada", "2"}, {"3", "Linus", "3"}})
	must(r.Merge(t, 2, repo.Merge(pr2)), "#2 merge")

	// #3 and #4 overlap and merge in reverse order: #3's branch is brought
	// onto production, which #4 moved.
	pr3 := repo.Open(3).Set("db/schema/guests.sql", guests).Set("db/schema/guest_emails.sql", guestEmails)
	pr4 := repo.Open(4).Set("db/schema/bookings.sql", bookings)
	must(r.Push(t, 3, repo.Tree(pr3)), "#3 push")
	must(r.Push(t, 4, repo.Tree(pr4)), "#4 push")
	must(r.Merge(t, 4, repo.Merge(pr4)), "#4 merge")
	res = must(r.Merge(t, 3, repo.Merge(pr3)), "#3 merge")
	assert.Check(t, is.Contains(res.Output, "recreating branch pr-3 off main as it is now"))

	// #6 is stacked on #5; when #5 has deployed, #6's next push brings its
	// branch onto production and its request carries its own change only.
	pr5 := repo.Open(5).Set("db/schema/invoices.sql", invoices)
	pr6 := repo.Stack(6, pr5).Set("db/schema/invoices.sql", invoicesCurrency)
	must(r.Push(t, 5, repo.Tree(pr5)), "#5 push")
	res = must(r.Push(t, 6, repo.Tree(pr6)), "#6 push, stacked on #5")
	assert.Check(t, is.Contains(res.Output, "created table invoices"))
	must(r.Merge(t, 5, repo.Merge(pr5)), "#5 merge")
	res = must(r.Push(t, 6, repo.Tree(pr6)), "#6 push after #5 deployed")
	assert.Check(t, is.Contains(res.Output, "recreating branch pr-6 off main as it is now"))
	assert.Check(t, is.Contains(res.Output, "rebuilt table invoices"))
	must(r.Merge(t, 6, repo.Merge(pr6)), "#6 merge")

	// #7 reverts #4: its request drops the table, reported destructive.
	pr7 := repo.Open(7).Delete("db/schema/bookings.sql")
	res = must(r.Push(t, 7, repo.Tree(pr7)), "#7 push, a revert")
	assert.Check(t, is.Contains(res.Output, "dropped table bookings"))
	must(r.Merge(t, 7, repo.Merge(pr7)), "#7 merge")

	// #8 and #9 change one column two ways and merge together: #9 was
	// seeded before #8 deployed, so its request conflicts. The advice is
	// to run its job again, which brings its branch onto production.
	pr8 := repo.Open(8).Set("db/schema/rooms.sql", roomsNamed("200"))
	pr9 := repo.Open(9).Set("db/schema/rooms.sql", roomsNamed("300"))
	must(r.Push(t, 8, repo.Tree(pr8)), "#8 push")
	must(r.Push(t, 9, repo.Tree(pr9)), "#9 push")
	tree8 := repo.Merge(pr8)
	tree9 := repo.Merge(pr9)
	r8, r9 := r.Race(t, 8, 9, tree8, tree9)
	must(r8, "#8 merge")
	assert.Assert(t, !r9.OK, "#9 deployed over #8's change without a conflict:\n%s", r9.Output)
	assert.Check(t, is.Contains(r9.Output, "re-running this job does all three"))
	res = must(r.Merge(t, 9, tree9), "#9 merge, run again as advised")
	assert.Check(t, is.Contains(res.Output, "recreating branch pr-9 off main as it is now"))

	// The end state.
	main, _ := em.BranchDatabase("app", "main")
	assert.DeepEqual(t, Schema(t, prod), Expected(t, em, repo.Main(), main))
	assert.DeepEqual(t, Query(t, prod, "SELECT id, name, floor FROM rooms WHERE id = 100"), [][]string{{"100", "written in production", "0"}})
	assert.DeepEqual(t, Branches(em), []string{"main"})
}

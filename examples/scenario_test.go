package examples

import (
	"context"
	"strings"
	"testing"

	"github.com/psflow/psflow/internal/history"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// The desired schema files of the pull requests over time.
const (
	// hotelsFile is production's hotels table, as main holds it.
	hotelsFile = "CREATE TABLE hotels (\n  id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT,\n  name VARCHAR(50) NOT NULL,\n  address VARCHAR(50) NOT NULL,\n  stars FLOAT UNSIGNED\n);\n"
	// hotelsRows is the rows the repository's branches get.
	hotelsRows  = "INSERT INTO hotels (name, address, stars) VALUES ('Hotel California', 'Can Never Leave Ln', 3.8), ('The Galt House', '140 N Fourth St', 4);\n"
	reviewsFile = "CREATE TABLE reviews (id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT, hotel_id INT UNSIGNED NOT NULL, stars TINYINT UNSIGNED NOT NULL);\n"
)

// hotelsWith is hotels with a description column of the definition given.
func hotelsWith(description string) string {
	return strings.Replace(hotelsFile, "  stars FLOAT UNSIGNED\n", "  stars FLOAT UNSIGNED,\n  description "+description+"\n", 1)
}

// TestPullRequestsOverTime runs three pull requests of one repository under act, merged out of
// order; every deploy keeps the others', and the third's column change is reported destructive.
func TestPullRequestsOverTime(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := startEmulator(t, opts...)
		r := newActHistory(t, em, "bookings_api")
		repo := history.NewRepo(map[string]string{"db/schema/hotels.sql": hotelsFile, "db/data/hotels.sql": hotelsRows})
		push := func(pr *history.PR) string {
			t.Helper()
			res := r.Push(t, pr.N, repo.Tree(pr))
			assert.Assert(t, res.OK, "#%d push failed", pr.N)
			return res.Output
		}
		merge := func(pr *history.PR) string {
			t.Helper()
			res := r.Merge(t, pr.N, repo.Merge(pr))
			assert.Assert(t, res.OK, "#%d merge failed", pr.N)
			return res.Output
		}

		// #1 adds a column, #2 a table, #3 the same column as #1,
		// differently.
		pr1 := repo.Open(1).Set("db/schema/hotels.sql", hotelsWith("VARCHAR(400)"))
		pr2 := repo.Open(2).Set("db/schema/reviews.sql", reviewsFile)
		pr3 := repo.Open(3).Set("db/schema/hotels.sql", hotelsWith("VARCHAR(50) NOT NULL DEFAULT ''"))
		out := push(pr1)
		assert.Check(t, is.Contains(out, "branch=pr-1 seed=changed recreated=false rows=2 deploy_request=1 state=ready"))
		push(pr2)
		push(pr3)

		// #1 edits its schema file: the table is rebuilt to match it, and
		// the request follows.
		pr1.Set("db/schema/hotels.sql", hotelsWith("TEXT"))
		out = push(pr1)
		assert.Check(t, is.Contains(out, "rebuilt table hotels (db/schema/hotels.sql:"))
		assert.Check(t, is.Contains(out, "reusing deploy request #1"))

		// #2 adds rows: they load into the branch alone; the schema is
		// as it was.
		pr2.Set("db/data/reviews.sql", "INSERT INTO reviews (hotel_id, stars) VALUES (1, 5), (1, 4);\n")
		out = push(pr2)
		assert.Check(t, is.Contains(out, "branch=pr-2 seed=unchanged recreated=false rows=4 deploy_request=2 state=ready"))

		// #2 merges first, then #1, whose branch is brought onto
		// production with #2's table before it deploys.
		merge(pr2)
		assert.Check(t, hasTable(t, em, "reviews"))
		assert.Check(t, !hasColumn(t, em, "description"))
		out = merge(pr1)
		assert.Check(t, is.Contains(out, "recreating branch pr-1 off main as it is now"))
		assert.Check(t, hasTable(t, em, "reviews"), "#1's deploy dropped #2's table")
		assert.Check(t, is.Contains(hotels(t, em), "`description` text"))

		// #3 pushes again on main as it is now: its branch is brought onto
		// production, and its request changes #1's column into its own,
		// reported destructive (a narrower column); no conflict remains.
		out = push(pr3)
		assert.Check(t, is.Contains(out, "recreating branch pr-3 off main as it is now"))
		assert.Check(t, is.Contains(out, "deploy request #3 closed with the old branch; open-deploy-request opens a new one"))
		assert.Check(t, is.Contains(out, "::set-output:: destructive=true"))
		assert.Check(t, is.Contains(out, "::set-output:: deployable=true"))
		assert.Check(t, is.Contains(out, "branch=pr-3 seed=changed recreated=true rows=4 deploy_request="))
		assert.Check(t, is.Contains(out, "state=ready"))

		// Merged, it deploys what it reported.
		out = merge(pr3)
		assert.Check(t, is.Contains(out, "state=complete"))
		assert.Check(t, is.Contains(hotels(t, em), "`description` varchar(50) not null default ''"))
		assert.Check(t, hasTable(t, em, "reviews"))
		assert.DeepEqual(t, branchNames(em), []string{"main"})
	})
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

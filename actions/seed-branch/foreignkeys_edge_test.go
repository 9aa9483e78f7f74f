package seedbranch_test

import (
	"testing"

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// Foreign keys written as the server prints them are compared without a real scratch table:
// an unchanged table stays, a changed rule or column rebuilds it.
func TestSchemaForeignKeysAsPrinted(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, opts...)
		env := newBranch(t, em, "pr-1")
		dir := t.TempDir()
		rooms := func(rule, extra string) string {
			return "CREATE TABLE rooms (\n  id BIGINT NOT NULL PRIMARY KEY,\n  hotel_id BIGINT NOT NULL," + extra + "\n  KEY idx_hotel (hotel_id),\n" +
				"  CONSTRAINT rooms_hotel FOREIGN KEY (hotel_id) REFERENCES hotels (id)" + rule + "\n);\n"
		}
		writeFile(t, dir, "hotels.sql", "CREATE TABLE hotels (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(50) NOT NULL);\n")
		writeFile(t, dir, "rooms.sql", rooms(" ON DELETE CASCADE", ""))
		seed := func() actiontest.Run {
			return actiontest.Exec(t, env, "seed-branch", "--branch", "pr-1", "--schema", dir)
		}
		seed().Assert(t, icmd.Success)
		r := seed()
		r.Assert(t, icmd.Success)
		assert.Check(t, is.Equal(r.Outputs["result"], "unchanged"), "the second run changed: %s", r.Outputs["reason"])

		db := branchDB(t, em, "pr-1")
		rule := func() [][]string {
			return queryStrings(t, db, "SELECT UPDATE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND CONSTRAINT_NAME = 'rooms_hotel'")
		}
		for _, tc := range []struct{ rule, extra, want string }{
			{" ON DELETE CASCADE ON UPDATE CASCADE", "", "CASCADE"},
			{" ON DELETE CASCADE ON UPDATE CASCADE", "\n  beds INT NOT NULL DEFAULT 1,", "CASCADE"},
		} {
			writeFile(t, dir, "rooms.sql", rooms(tc.rule, tc.extra))
			r = seed()
			r.Assert(t, icmd.Success)
			assert.Check(t, is.Equal(r.Outputs["reason"], "rebuilt 1 table"))
			assert.Check(t, is.DeepEqual(rule(), [][]string{{tc.want}}))
		}
		assert.Check(t, is.Len(queryStrings(t, db, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"), 2), "a scratch table was left")
	})
}

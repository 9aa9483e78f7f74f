package seedbranch

import (
	"testing"

	"github.com/psflow/psflow/pkg/sqlload"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

func TestSplitForeignKeys(t *testing.T) {
	t.Parallel()
	text := "CREATE TABLE rooms (\n  id BIGINT NOT NULL PRIMARY KEY,\n  hotel_id BIGINT NOT NULL DEFAULT '(,)',\n  KEY (hotel_id),\n" +
		"  CONSTRAINT rooms_hotel FOREIGN KEY (hotel_id) REFERENCES hotels (id) ON DELETE CASCADE\n) COMMENT='a, b'"
	rest, clauses, ok := splitForeignKeys(text, sqlload.Defines(text).NameAt[1])
	assert.Assert(t, ok)
	assert.Check(t, is.Equal(rest, "CREATE TABLE rooms (\n  id BIGINT NOT NULL PRIMARY KEY,\n  hotel_id BIGINT NOT NULL DEFAULT '(,)',\n  KEY (hotel_id)) COMMENT='a, b'"))
	assert.Assert(t, is.Len(clauses, 1))
	server := tokens("  CONSTRAINT `rooms_hotel` FOREIGN KEY (`hotel_id`) REFERENCES `hotels` (`id`) ON DELETE CASCADE")
	assert.Check(t, sameTokens(clauses[0], server))
	assert.Check(t, !sameTokens(clauses[0], tokens("CONSTRAINT `rooms_hotel` FOREIGN KEY (`hotel_id`) REFERENCES `hotels` (`id`)")))
	assert.Check(t, !sameTokens(clauses[0], tokens("CONSTRAINT `rooms_hotel` FOREIGN KEY (`hotel_id`) REFERENCES `Hotels` (`id`) ON DELETE CASCADE")))

	for _, refused := range []string{
		"CREATE TABLE rooms (id INT, hotel_id INT, FOREIGN KEY (hotel_id) REFERENCES hotels (id))",                          // the server names it
		"CREATE TABLE rooms (id INT, hotel_id INT, CONSTRAINT FOREIGN KEY (hotel_id) REFERENCES hotels (id))",               // likewise
		"CREATE TABLE rooms (id INT, hotel_id INT REFERENCES hotels (id))",                                                  // in a column
		"CREATE TABLE rooms (id INT, -- a note\n hotel_id INT, CONSTRAINT h FOREIGN KEY (hotel_id) REFERENCES hotels (id))", // a comment
		"CREATE TABLE rooms (id INT)",
	} {
		_, _, ok := splitForeignKeys(refused, sqlload.Defines(refused).NameAt[1])
		assert.Check(t, !ok, refused)
	}
}

func TestForeignKeyLines(t *testing.T) {
	t.Parallel()
	def := "CREATE TABLE `rooms` (\n  `id` bigint(20) NOT NULL,\n  `hotel_id` bigint(20) NOT NULL,\n  PRIMARY KEY (`id`),\n  KEY `h` (`hotel_id`),\n" +
		"  CONSTRAINT `rooms_hotel` FOREIGN KEY (`hotel_id`) REFERENCES `hotels` (`id`)\n) ENGINE=InnoDB"
	lines, keys := foreignKeyLines(def)
	assert.DeepEqual(t, lines, []string{"CREATE TABLE `rooms` (", "  `id` bigint(20) NOT NULL", "  `hotel_id` bigint(20) NOT NULL", "  PRIMARY KEY (`id`)", "  KEY `h` (`hotel_id`)", ") ENGINE=InnoDB"})
	assert.Assert(t, is.Len(keys, 1))
	assert.Check(t, is.Equal(keys[0][1], "`rooms_hotel"))
}

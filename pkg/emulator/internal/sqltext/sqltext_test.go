package sqltext

import (
	"testing"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

func TestQuoteEnd(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		sql  string
		want int
	}{
		{`'abc' x`, 5},
		{`'it''s' x`, 7},
		{`'it\'s' x`, 7},
		{`"a\"b" x`, 6},
		{"`a``b` x", 6},
		{"`a\\` x", 4}, // no escapes in backticks
		{`'open`, 5},
		{`'ends in \`, 10},
	} {
		assert.Check(t, is.Equal(QuoteEnd(c.sql, 0), c.want), c.sql)
	}
}

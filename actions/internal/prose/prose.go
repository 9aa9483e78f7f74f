// Package prose writes the small pieces of English psflow's reports and
// messages share.
package prose

import (
	"fmt"
	"strings"
)

// OneLine joins the words of s with single spaces: a value fit for one
// line of a log, a table cell or a list item.
func OneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// Count is "1 noun" or "n nouns".
func Count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

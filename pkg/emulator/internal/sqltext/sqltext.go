// Package sqltext reads MySQL statement text where the emulator needs to
// look at it without parsing it.
package sqltext

// QuoteEnd returns the index just past the quoted string or identifier
// starting at start (sql[start] is its quote): a doubled quote stands
// for itself, and outside backticks a backslash escapes the next
// character, as with the default sql_mode (no NO_BACKSLASH_ESCAPES). An
// unterminated one runs to the end of sql.
func QuoteEnd(sql string, start int) int {
	q := sql[start]
	for i := start + 1; i < len(sql); i++ {
		switch {
		case sql[i] == '\\' && q != '`':
			i++
		case sql[i] == q:
			if i+1 < len(sql) && sql[i+1] == q {
				i++
				continue
			}
			return i + 1
		}
	}
	return len(sql)
}

// Package sqltext reads MySQL statement text where the emulator needs to
// look at it without parsing it.
package sqltext

// QuoteEnd returns the index just past the quoted text starting at sql[start], read as MySQL's
// default sql_mode does (doubled quotes; backslash escapes outside backticks); else len(sql).
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

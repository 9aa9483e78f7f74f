package ddl

import (
	"strings"

	"github.com/psflow/psflow/pkg/emulator/internal/sqltext"
)

// bareDefaultFuncs are the functions MySQL accepts as a column default
// without parentheses.
var bareDefaultFuncs = map[string]bool{
	"current_timestamp": true, "now": true, "localtime": true, "localtimestamp": true,
}

// parenthesizeDefaults wraps MariaDB's bare call defaults (`DEFAULT uuid()`) in the
// parentheses MySQL requires of expression defaults, leaving quoted text alone.
func parenthesizeDefaults(sql string) string {
	var b strings.Builder
	i := 0
	for i < len(sql) {
		c := sql[i]
		switch {
		case c == '\'' || c == '"' || c == '`':
			end := sqltext.QuoteEnd(sql, i)
			b.WriteString(sql[i:end])
			i = end
		case isWordStart(c) && (i == 0 || !isWordByte(sql[i-1])):
			end := i
			for end < len(sql) && isWordByte(sql[end]) {
				end++
			}
			b.WriteString(sql[i:end])
			if strings.EqualFold(sql[i:end], "default") {
				end = wrapCall(&b, sql, end)
			}
			i = end
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

// wrapCall writes the text after DEFAULT at pos, putting a call MySQL does not accept
// bare in parentheses, and returns the position after what it wrote.
func wrapCall(b *strings.Builder, sql string, pos int) int {
	start := pos
	for start < len(sql) && (sql[start] == ' ' || sql[start] == '\t' || sql[start] == '\n') {
		start++
	}
	nameEnd := start
	for nameEnd < len(sql) && isWordByte(sql[nameEnd]) {
		nameEnd++
	}
	if nameEnd == start || nameEnd >= len(sql) || sql[nameEnd] != '(' || !isWordStart(sql[start]) ||
		bareDefaultFuncs[strings.ToLower(sql[start:nameEnd])] {
		return pos
	}
	closing := matchParen(sql, nameEnd)
	if closing < 0 {
		return pos
	}
	b.WriteString(sql[pos:start])
	b.WriteByte('(')
	b.WriteString(sql[start : closing+1])
	b.WriteByte(')')
	return closing + 1
}

// matchParen returns the index of the parenthesis closing the one at open,
// or -1 when it is unbalanced.
func matchParen(sql string, open int) int {
	depth := 0
	for i := open; i < len(sql); {
		switch sql[i] {
		case '\'', '"', '`':
			i = sqltext.QuoteEnd(sql, i)
			continue
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		}
		i++
	}
	return -1
}

func isWordStart(c byte) bool {
	return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z')
}

func isWordByte(c byte) bool {
	return isWordStart(c) || c == '$' || (c >= '0' && c <= '9')
}

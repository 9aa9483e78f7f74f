package sqlload

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// snippetBytes is how much of a statement an error message quotes.
const snippetBytes = 80

// snippet returns a statement's start on one line for an error message: string literals elided
// ('…'), blanks collapsed, control bytes and invalid UTF-8 as '?', cut to snippetBytes plus "…".
func snippet(text string) string { return quoteSQL(text, snippetBytes) }

// quoteSQL writes text as snippet does, cut to limit bytes.
func quoteSQL(text string, limit int) string {
	q := quoter{limit: limit}
	for i := 0; i < len(text) && !q.full; {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == '\'' || r == '"':
			q.write(string(r) + "…" + string(r))
			i += size + literalLen(text[i+size:], byte(r))
			continue
		case r == '`':
			j := strings.IndexByte(text[i+1:], '`')
			if j < 0 {
				j = len(text) - i - 1
			} else {
				j++ // the closing backtick
			}
			q.write(strings.Map(printable, text[i:i+1+j]))
			i += 1 + j
			continue
		case r == ' ' || r == '\t' || r == '\r' || r == '\n':
			q.space = q.b.Len() > 0
		case size == 1 && r == utf8.RuneError:
			q.write("?")
		default:
			q.write(string(printable(r)))
		}
		i += size
	}
	return q.b.String()
}

// literalLen returns the length of the rest of a string literal whose opening quote q was just
// read, closing quote included: backslashes escape, a doubled quote is one; unclosed, all of s.
func literalLen(s string, q byte) int {
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\':
			i++
		case s[i] == q && i+1 < len(s) && s[i+1] == q:
			i++
		case s[i] == q:
			return i + 1
		}
	}
	return len(s)
}

// quoter builds a one-line quote of SQL up to a limit in bytes.
type quoter struct {
	b     strings.Builder
	limit int
	space bool // a blank is pending before the next piece
	full  bool // the limit was reached: "…" ends the quote
}

// write adds a piece, after the pending blank, unless it would pass the
// limit, in which case the quote ends with "…".
func (q *quoter) write(piece string) {
	if q.full {
		return
	}
	need := len(piece)
	if q.space {
		need++
	}
	if q.b.Len()+need > q.limit {
		q.b.WriteString("…")
		q.full = true
		return
	}
	if q.space {
		q.b.WriteByte(' ')
		q.space = false
	}
	q.b.WriteString(piece)
}

// printable maps runes an error message should not carry to '?'.
func printable(r rune) rune {
	if r == utf8.RuneError || !unicode.IsPrint(r) {
		return '?'
	}
	return r
}

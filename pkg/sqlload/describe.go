package sqlload

import (
	"regexp"
	"strconv"
	"strings"
)

var (
	// atLine ends MySQL's and MariaDB's syntax errors: the line of the
	// statement the error is on.
	atLine = regexp.MustCompile(`(?s) at line (\d+)$`)
	// atPosition is go-mysql-server's: the byte offset in the statement.
	atPosition = regexp.MustCompile(`syntax error at position (\d+)`)
)

// minSecret is the shortest quoted value of a server message elided when a literal of the
// statement holds it: shorter ones ('1', 'v') say too little to hide and are mostly names.
const minSecret = 4

// describe rewrites a server's message about statement text, without "at line N" and with its
// quotes elided (docs/design/sqlload.md), and returns the statement line it points at, or 0.
func describe(text, msg string) (string, int) {
	rel := 0
	if m := atLine.FindStringSubmatchIndex(msg); m != nil {
		rel, _ = strconv.Atoi(msg[m[2]:m[3]])
		msg = msg[:m[0]]
	} else if m := atPosition.FindStringSubmatch(msg); m != nil {
		if pos, err := strconv.Atoi(m[1]); err == nil && pos > 0 {
			rel = 1 + strings.Count(text[:min(pos-1, len(text))], "\n")
		}
	}
	lits := literals(text)
	head, near, ok := strings.Cut(msg, "near '")
	if !ok || !strings.HasSuffix(near, "'") {
		return elideValues(msg, lits), rel
	}
	frag := near[:len(near)-1]
	if len(frag) >= minSecret && partOfLiteral(frag, lits) {
		frag = "…" // go-mysql-server quotes a string token without its quotes
	} else {
		frag = quoteSQL(frag, snippetBytes)
	}
	return elideValues(head, lits) + "near '" + frag + "'", rel
}

// literals returns the contents of the string literals of a statement
// (as written, escapes and all) that are long enough to hide.
func literals(text string) []string {
	var out []string
	for i := 0; i < len(text); i++ {
		switch c := text[i]; c {
		case '`':
			if j := strings.IndexByte(text[i+1:], '`'); j >= 0 {
				i += j + 1
			} else {
				i = len(text)
			}
		case '\'', '"':
			n := literalLen(text[i+1:], c)
			end := i + n
			if n > 0 && text[end] == c {
				end-- // without the closing quote
			}
			if end-i >= minSecret {
				out = append(out, text[i+1:end+1])
			}
			i += n
		}
	}
	return out
}

// partOfLiteral reports whether a literal holds v.
func partOfLiteral(v string, lits []string) bool {
	for _, l := range lits {
		if strings.Contains(l, v) {
			return true
		}
	}
	return false
}

// elideValues elides from msg every literal of the statement, and every quoted value ('…', or
// […] as go-mysql-server writes keys) a literal holds, as a server shortens a long one.
func elideValues(msg string, lits []string) string {
	for _, l := range lits {
		msg = strings.ReplaceAll(msg, l, "…")
	}
	for _, q := range [][2]byte{{'\'', '\''}, {'[', ']'}} {
		msg = elideQuoted(msg, q[0], q[1], lits)
	}
	return msg
}

// elideQuoted elides the values between open and end in a message that
// a literal holds.
func elideQuoted(msg string, open, end byte, lits []string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(msg, open)
		if i < 0 {
			break
		}
		n := strings.IndexByte(msg[i+1:], end)
		if n < 0 {
			break
		}
		v := msg[i+1 : i+1+n]
		b.WriteString(msg[:i+1])
		if len(v) >= minSecret && partOfLiteral(v, lits) {
			v = "…"
		}
		b.WriteString(v)
		b.WriteByte(end)
		msg = msg[i+2+n:]
	}
	b.WriteString(msg)
	return b.String()
}

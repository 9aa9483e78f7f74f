package sqlload

import "strings"

// tokKind is the kind of a token seen by the header lexer.
type tokKind int

const (
	tokEnd    tokKind = iota // end of the text
	tokWord                  // keyword or unquoted identifier
	tokIdent                 // `quoted identifier`, unquoted in text
	tokString                // 'string' or "string", quotes kept
	tokPunct                 // any other single byte
)

// token is one lexical token of a statement.
type token struct {
	kind     tokKind
	text     string
	pos, end int // byte range in the statement text
}

// is reports whether t is the unquoted keyword kw (case-insensitive).
func (t token) is(kw string) bool { return t.kind == tokWord && strings.EqualFold(t.text, kw) }

// name reports whether t can be an identifier.
func (t token) name() bool { return t.kind == tokWord || t.kind == tokIdent }

// lexer cuts a statement's header into tokens, skipping comments and executable comment markers
// ("/*!50003 CREATE*/" is CREATE); only doubled backticks are unescaped in what it returns.
type lexer struct {
	s    string
	i    int
	exec bool // inside an executable comment
}

// next returns the next token, or a tokEnd token at the end.
func (l *lexer) next() token {
	t := l.token()
	t.end = min(l.i, len(l.s))
	return t
}

// token reads the next token; next sets its end.
func (l *lexer) token() token {
	l.skip()
	if l.i >= len(l.s) {
		return token{kind: tokEnd, pos: len(l.s)}
	}
	s, start := l.s, l.i
	c := s[start]
	switch {
	case c == '`':
		end := closeQuote(s, start+1, '`', false)
		l.i = end + 1
		return token{kind: tokIdent, text: strings.ReplaceAll(s[start+1:min(end, len(s))], "``", "`"), pos: start}
	case c == '\'' || c == '"':
		end := closeQuote(s, start+1, c, true)
		l.i = end + 1
		return token{kind: tokString, text: s[start:min(end+1, len(s))], pos: start}
	case isWordByte(c):
		j := start
		for j < len(s) && isWordByte(s[j]) {
			j++
		}
		l.i = j
		return token{kind: tokWord, text: s[start:j], pos: start}
	}
	l.i++
	return token{kind: tokPunct, text: s[start : start+1], pos: start}
}

// skip moves past blanks, comments and executable-comment markers.
func (l *lexer) skip() {
	s := l.s
	for l.i < len(s) {
		c := s[l.i]
		switch {
		case isSpace(c):
			l.i++
		case c == '#' || (c == '-' && strings.HasPrefix(s[l.i:], "--") && (l.i+2 == len(s) || isSpaceCtl(s[l.i+2]))):
			if j := strings.IndexByte(s[l.i:], '\n'); j >= 0 {
				l.i += j + 1
			} else {
				l.i = len(s)
			}
		case l.exec && c == '*' && strings.HasPrefix(s[l.i:], "*/"):
			l.exec = false
			l.i += 2
		case c == '/' && strings.HasPrefix(s[l.i:], "/*"):
			if n := execMarker(s[l.i:]); n > 0 && !l.exec {
				l.i += n
				for l.i < len(s) && s[l.i] >= '0' && s[l.i] <= '9' {
					l.i++
				}
				if l.i < len(s) && s[l.i] == '\\' { // a client command such as \-
					l.skipComment()
					continue
				}
				l.exec = true
				continue
			}
			l.i += 2
			l.skipComment()
		default:
			return
		}
	}
}

// skipComment moves past the next "*/".
func (l *lexer) skipComment() {
	if j := strings.Index(l.s[l.i:], "*/"); j >= 0 {
		l.i += j + 2
	} else {
		l.i = len(l.s)
	}
}

// execMarker returns the length of the executable-comment marker at the
// start of s ("/*!", "/*M!" or "/*+"), or 0 when s does not start with one.
func execMarker[T string | []byte](s T) int {
	if len(s) < 3 || s[0] != '/' || s[1] != '*' {
		return 0
	}
	switch s[2] {
	case '!', '+':
		return 3
	case 'M':
		if len(s) >= 4 && s[3] == '!' {
			return 4
		}
	}
	return 0
}

// closeQuote returns the index of the quote q closing a quoted run that starts at i, honouring
// doubled quotes and, with escapes, backslashes; len(s) when the run is not closed.
func closeQuote(s string, i int, q byte, escapes bool) int {
	for i < len(s) {
		c := s[i]
		switch {
		case escapes && c == '\\':
			i += 2
		case c == q && i+1 < len(s) && s[i+1] == q:
			i += 2
		case c == q:
			return i
		default:
			i++
		}
	}
	return len(s)
}

// isWordByte reports whether c can be part of an unquoted identifier or
// keyword (multi-byte UTF-8 letters included).
func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '$' || c >= 0x80
}

// isSpace reports whether c is a blank the way the mysql client sees it.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// isSpaceCtl reports whether c may follow "--" to start a comment: MySQL
// wants a blank or a control character there.
func isSpaceCtl(c byte) bool { return c <= ' ' }

package edge

import (
	"strings"

	"github.com/psflow/psflow/pkg/emulator/internal/sqltext"
)

// tokKind is the kind of a token.
type tokKind int

const (
	tokWord   tokKind = iota // a keyword or an unquoted identifier, lowered
	tokQuoted                // a backquoted identifier, unquoted and lowered
	tokString                // a string literal, as written
	tokVar                   // a user variable (@name, @'name', @`name`), as written
	tokPunct                 // any other character
)

// token is one token of a statement.
type token struct {
	kind tokKind
	text string
}

// lexer reads a statement's tokens as MySQL and MariaDB do, skipping comments but reading
// an executable comment's text whatever version it names (docs/design/emulator-edge.md).
type lexer struct {
	sql   string
	pos   int
	start int  // where the last token read starts
	exec  bool // inside an executable comment, whose */ is skipped
}

// next returns the next token; false at the end of the text.
func (l *lexer) next() (token, bool) {
	for l.pos < len(l.sql) {
		rest := l.sql[l.pos:]
		switch {
		case rest[0] <= ' ':
			l.pos++
		case strings.HasPrefix(rest, "/*!"), strings.HasPrefix(rest, "/*M!"):
			l.pos += strings.IndexByte(rest, '!') + 1
			for l.pos < len(l.sql) && isDigit(l.sql[l.pos]) {
				l.pos++
			}
			l.exec = true
		case l.exec && strings.HasPrefix(rest, "*/"):
			l.pos += 2
			l.exec = false
		case strings.HasPrefix(rest, "/*"):
			l.pos = skipPast(l.sql, l.pos+2, "*/")
		case rest[0] == '#', strings.HasPrefix(rest, "--") && (len(rest) == 2 || rest[2] <= ' '):
			l.pos = skipPast(l.sql, l.pos, "\n")
		default:
			return l.token(), true
		}
	}
	return token{}, false
}

// token reads the token at l.pos.
func (l *lexer) token() token {
	start := l.pos
	l.start = start
	switch c := l.sql[start]; {
	case c == '\'' || c == '"':
		l.pos = sqltext.QuoteEnd(l.sql, start)
		return token{tokString, l.sql[start:l.pos]}
	case c == '`':
		l.pos = sqltext.QuoteEnd(l.sql, start)
		return token{tokQuoted, strings.ToLower(unquote(l.sql[start:l.pos]))}
	case c == '@' && (start+1 == len(l.sql) || l.sql[start+1] != '@'):
		l.pos++
		if l.pos < len(l.sql) && strings.IndexByte("'\"`", l.sql[l.pos]) >= 0 {
			l.pos = sqltext.QuoteEnd(l.sql, l.pos)
		} else {
			l.pos = wordEnd(l.sql, l.pos, ".")
		}
		return token{tokVar, l.sql[start:l.pos]}
	case isWordByte(c):
		l.pos = wordEnd(l.sql, start, "")
		return token{tokWord, strings.ToLower(l.sql[start:l.pos])}
	}
	l.pos++
	return token{tokPunct, l.sql[start:l.pos]}
}

// name reads a name (a word or a backquoted identifier); "" if the next
// token is none.
func (l *lexer) name() string {
	t, ok := l.next()
	if !ok || t.kind != tokWord && t.kind != tokQuoted {
		return ""
	}
	return t.text
}

// word reports whether the next token is the word w, and reads it if so.
func (l *lexer) word(w string) bool {
	save := *l
	if t, ok := l.next(); ok && t.kind == tokWord && t.text == w {
		return true
	}
	*l = save
	return false
}

// atEnd reports whether only a semicolon, whitespace and comments are
// left.
func (l *lexer) atEnd() bool {
	t, ok := l.next()
	if ok && t.kind == tokPunct && t.text == ";" {
		t, ok = l.next()
	}
	return !ok
}

// unquote is a backquoted identifier's name.
func unquote(quoted string) string {
	s := strings.TrimPrefix(quoted, "`")
	s = strings.TrimSuffix(s, "`")
	return strings.ReplaceAll(s, "``", "`")
}

// wordEnd is the end of the unquoted word at start; extra are more bytes
// it may hold.
func wordEnd(sql string, start int, extra string) int {
	i := start
	for i < len(sql) && (isWordByte(sql[i]) || strings.IndexByte(extra, sql[i]) >= 0) {
		i++
	}
	return i
}

// skipPast is the position after the first end at or after from, or the
// end of sql.
func skipPast(sql string, from int, end string) int {
	if i := strings.Index(sql[from:], end); i >= 0 {
		return from + i + len(end)
	}
	return len(sql)
}

// isWordByte reports whether c may be in an unquoted identifier: ASCII letters, digits,
// "$", "_", any non-ASCII byte (dev.mysql.com/doc/refman/8.0/en/identifiers.html).
func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || isDigit(c) || c == '_' || c == '$' || c >= 0x80
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

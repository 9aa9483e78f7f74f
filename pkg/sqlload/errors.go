package sqlload

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// snippetRunes is how much of a statement an error message quotes.
const snippetRunes = 120

// ErrSyntax marks a script the splitter cannot cut into statements, such as
// one with an unterminated string or comment.
var ErrSyntax = errors.New("sql syntax")

// ErrTooLarge marks a statement larger than the server's max_allowed_packet.
var ErrTooLarge = errors.New("statement larger than max_allowed_packet")

// SyntaxError reports where a script cannot be split. It matches ErrSyntax.
type SyntaxError struct {
	// File is the script's name when the loader reports the error.
	File string
	// Line is the 1-based line where the offending construct starts.
	Line int
	// Msg says what is wrong.
	Msg string
}

// Error returns "file:line: msg", or "line N: msg" without a file name.
func (e *SyntaxError) Error() string {
	if e.File != "" {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
}

// Is reports whether target is ErrSyntax.
func (e *SyntaxError) Is(target error) bool { return target == ErrSyntax }

// StatementError reports a statement that failed, with its place in the
// script. The statement is quoted shortened to 120 characters.
type StatementError struct {
	// File is the script's name as given in File.Name.
	File string
	// Line is the 1-based line where the statement starts.
	Line int
	// Statement is the start of the statement, on one line, at most 120
	// characters.
	Statement string
	// Err is the server's or the driver's error.
	Err error
}

// Error returns "file:line: error (statement: …)".
func (e *StatementError) Error() string {
	return fmt.Sprintf("%s:%d: %v (statement: %s)", e.File, e.Line, e.Err, e.Statement)
}

// Unwrap returns the underlying error.
func (e *StatementError) Unwrap() error { return e.Err }

// snippet returns the start of a statement on one line, with blanks
// collapsed, control bytes and invalid UTF-8 shown as '?', cut to
// snippetRunes runes plus "…" when there is more.
func snippet(text string) string {
	var b strings.Builder
	n := 0
	space := false
	for _, r := range text {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			space = n > 0
			continue
		}
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			r = '?'
		}
		need := 1
		if space {
			need = 2
		}
		if n+need > snippetRunes {
			b.WriteString("…")
			break
		}
		if space {
			b.WriteByte(' ')
			n, space = n+1, false
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

package sqlload

import (
	"errors"
	"fmt"
)

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
// script. Make one with [NewStatementError].
type StatementError struct {
	// File is the script's name as given in File.Name.
	File string
	// Line is the 1-based line of the script the error points at: where the server says it
	// is ("… at line 3" of the statement), else StatementLine.
	Line int
	// StatementLine is the 1-based line where the statement starts.
	StatementLine int
	// Statement is the start of the statement on one line, at most 80
	// bytes, with the content of its string literals elided ('…').
	Statement string
	// Err is the server's or the driver's error, its message quoting no string literal of the
	// statement (see NewStatementError); Unwrap gives it as the driver returned it.
	Err error
}

// Error returns "file:line: error (statement: …)", or "(statement from line N: …)" when the
// error is on a later line of the statement than its first.
func (e *StatementError) Error() string {
	if e.Line != e.StatementLine {
		return fmt.Sprintf("%s:%d: %v (statement from line %d: %s)", e.File, e.Line, e.Err, e.StatementLine, e.Statement)
	}
	return fmt.Sprintf("%s:%d: %v (statement: %s)", e.File, e.Line, e.Err, e.Statement)
}

// Unwrap returns the underlying error.
func (e *StatementError) Unwrap() error { return e.Err }

// NewStatementError describes err, the failure of statement st of file, at the line the server
// points at, quoting no string literal of st (docs/design/sqlload.md).
func NewStatementError(file string, st Statement, err error) *StatementError {
	msg, rel := describe(st.Text, err.Error())
	e := &StatementError{File: file, Line: st.Line, StatementLine: st.Line, Statement: snippet(st.Text), Err: err}
	if rel > 1 {
		e.Line = st.Line + rel - 1
	}
	if msg != err.Error() {
		e.Err = &redacted{msg: msg, err: err}
	}
	return e
}

// redacted is an error whose message was rewritten by describe.
type redacted struct {
	msg string
	err error
}

func (r *redacted) Error() string { return r.msg }
func (r *redacted) Unwrap() error { return r.err }

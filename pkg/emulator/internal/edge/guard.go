package edge

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/dolthub/vitess/go/mysql"
)

// errDirectDDL is PlanetScale's refusal of DDL on a branch with safe
// migrations on: "You'll see a `ERROR 1105 (HY000): direct DDL is
// disabled` message if you attempt to make schema changes in a branch
// with safe migrations enabled" (planetscale.com/docs/vitess/
// schema-changes/branching); vtgate's schema.ErrDirectDDLDisabled (vitess
// go/vt/vtgate/engine/ddl.go).
var errDirectDDL = mysql.NewSQLError(mysql.ERUnknownError, mysql.SSUnknownSQLState, "direct DDL is disabled")

// errStoredRoutine refuses a trigger, procedure, function or event on
// every branch, whatever its safe migrations: PlanetScale's MySQL
// compatibility table marks PROCEDURE, FUNCTION, TRIGGER and EVENT "Not
// supported": "We do not support any form of stored routines"
// (planetscale.com/docs/vitess/mysql-compatibility; also
// planetscale/docs issue 48: "we currently do not support Trigger DDL").
// The error PlanetScale answers is not documented; this one is MySQL's
// "not supported" (1235, 42000) in vtgate's words for an unsupported
// statement (VT12001).
var errStoredRoutine = mysql.NewSQLError(mysql.ERNotSupportedYet, mysql.SSClientError,
	"VT12001: unsupported: PlanetScale does not support stored routines (triggers, procedures, functions, events)")

// invalidUTF8 refuses DDL whose text is not UTF-8, as MySQL refuses a
// name that is not valid in the connection's character set: error 1300
// ER_INVALID_CHARACTER_STRING, "Invalid utf8mb4 character string: 'FFFE'"
// (dev.mysql.com/doc/mysql-errors/8.0/en/server-error-reference.html).
// Names are what DDL holds; a table or column so named would break every
// later read of the schema.
func invalidUTF8(sql string) error {
	bad := sql
	for i, r := range sql {
		if r == utf8.RuneError {
			bad = sql[i:]
			break
		}
	}
	return mysql.NewSQLError(1300, mysql.SSUnknownSQLState, "Invalid utf8mb4 character string: '%X'", bad[:min(len(bad), 32)])
}

// guard refuses st while the branch has safe migrations on if it could
// change the schema: "no password runs DDL on that branch". A statement
// that runs another one is refused for what it runs: a prepared
// statement when it is prepared and again when it is executed (vtgate
// plans it at both), so that one prepared before safe migrations were
// turned on is refused too, and a procedure for its body. What the edge
// cannot read (stmtOpaque) is refused, the safer answer: PlanetScale's
// vtgate would not run it at all.
func (s *session) guard(ctx context.Context, st statement) error {
	switch st.kind {
	case stmtDDL, stmtOpaque:
		return s.directDDL()
	case stmtRoutine:
		return errStoredRoutine
	case stmtPrepare:
		text := s.prepareText(ctx, st.source)
		if err := s.guard(ctx, text); err != nil {
			return err
		}
		// Set before storage prepares it: if it fails, storage has no
		// statement of that name, and the entry is never used.
		s.prepared[st.name] = text
	case stmtExecuteNow:
		return s.guard(ctx, s.prepareText(ctx, st.source))
	case stmtExecute:
		text, ok := s.prepared[st.name]
		if !ok {
			// Not prepared on this storage session by the edge: a
			// procedure may have prepared it.
			return s.directDDL()
		}
		return s.guard(ctx, text)
	case stmtDeallocate:
		delete(s.prepared, st.name)
	case stmtCall:
		// A procedure of another database is not the branch's: the
		// password has no rights there, and storage refuses the CALL.
		if st.schema != "" && st.schema != strings.ToLower(s.acct.Storage) || s.h.dir.DirectDDL(s.acct.User) {
			return nil
		}
		body, found, err := s.h.dir.Procedure(s.acct.User, st.name)
		if err != nil || found && mayChangeSchema(body) {
			return errDirectDDL
		}
	}
	return nil
}

// directDDL is errDirectDDL while the branch has safe migrations on.
func (s *session) directDDL() error {
	if s.h.dir.DirectDDL(s.acct.User) {
		return nil
	}
	return errDirectDDL
}

// prepareText reads the statement PREPARE or EXECUTE IMMEDIATE would
// take from source, by asking storage for its value in this session
// ("SELECT 'text'" or "SELECT @var"), so that storage's own reading of
// the literal (its sql_mode, its character set) and the variable's
// current value are what is looked at. vtgate likewise reads a user
// variable at PREPARE (prepared_statement.go fetchUDVValue). A source
// the edge cannot read, a NULL value, or a statement that cannot be
// prepared in turn (PREPARE, EXECUTE, DEALLOCATE) is opaque.
func (s *session) prepareText(ctx context.Context, source string) statement {
	if source == "" {
		return statement{kind: stmtOpaque}
	}
	res, err := s.relayQuiet(ctx, "SELECT "+source)
	if err != nil || len(res.Rows) != 1 || len(res.Rows[0]) != 1 || res.Rows[0][0].IsNull() {
		return statement{kind: stmtOpaque}
	}
	text := res.Rows[0][0].ToString()
	st := classify(text)
	switch st.kind {
	case stmtPrepare, stmtExecute, stmtExecuteNow, stmtDeallocate:
		st = statement{kind: stmtOpaque}
	}
	st.text = text
	return st
}

// mayChangeSchema reports whether a stored procedure's body may change
// the schema: whether it holds a statement the guard would refuse, or
// one that runs others (PREPARE, EXECUTE, CALL) anywhere in it. A word
// followed by "(" is a function (TRUNCATE(x, d)), not a statement.
func mayChangeSchema(body string) bool {
	l := &lexer{sql: body}
	for t, ok := l.next(); ok; t, ok = l.next() {
		if t.kind != tokWord {
			continue
		}
		switch t.text {
		case "create", "alter", "rename", "drop", "truncate", "prepare", "execute", "call":
			save := *l
			if next, ok := l.next(); ok && next.kind == tokPunct && next.text == "(" {
				continue
			}
			*l = save
			return true
		}
	}
	return false
}

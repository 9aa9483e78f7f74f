package edge

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/dolthub/vitess/go/mysql"
)

// errDirectDDL is PlanetScale's ERROR 1105 for DDL while safe migrations are on
// (planetscale.com/docs/vitess/schema-changes/branching; vitess go/vt/vtgate/engine/ddl.go).
var errDirectDDL = mysql.NewSQLError(mysql.ERUnknownError, mysql.SSUnknownSQLState, "direct DDL is disabled")

// errStoredRoutine refuses triggers, procedures, functions and events on every branch,
// as PlanetScale supports no stored routines (docs/design/emulator-edge.md).
var errStoredRoutine = mysql.NewSQLError(mysql.ERNotSupportedYet, mysql.SSClientError,
	"VT12001: unsupported: PlanetScale does not support stored routines (triggers, procedures, functions, events)")

// invalidUTF8 refuses DDL whose text is not UTF-8, as MySQL refuses such a name (errno
// 1300 ER_INVALID_CHARACTER_STRING); it would break every later read of the schema.
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

// guard refuses st while the branch has safe migrations on if it could change the
// schema; a statement that runs another is judged by it (docs/design/emulator-edge.md).
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

// prepareText reads what PREPARE or EXECUTE IMMEDIATE would take from source by asking
// storage for its value, as vtgate's fetchUDVValue does (docs/design/emulator-edge.md).
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

// mayChangeSchema reports whether a procedure body holds a statement the guard refuses
// or one that runs others (PREPARE, EXECUTE, CALL); a word before "(" is a function.
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

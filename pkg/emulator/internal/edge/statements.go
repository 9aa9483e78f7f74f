package edge

import (
	"strings"

	"github.com/dolthub/vitess/go/mysql"
	"github.com/dolthub/vitess/go/vt/sqlparser"
)

// stmtKind is what the edge needs to know of a statement.
type stmtKind int

const (
	stmtOther stmtKind = iota
	stmtUse
	// stmtDDL changes the schema.
	stmtDDL
	// stmtOpaque runs statements the edge cannot read: MariaDB's compound statements, a
	// prepared text not one literal or user variable, a form the edge does not know.
	stmtOpaque
	// stmtPrepare is PREPARE name FROM text.
	stmtPrepare
	// stmtExecute is EXECUTE name, of a statement PREPARE made.
	stmtExecute
	// stmtExecuteNow is MariaDB's EXECUTE IMMEDIATE text.
	stmtExecuteNow
	// stmtDeallocate is DEALLOCATE PREPARE name and DROP PREPARE name.
	stmtDeallocate
	// stmtCall is CALL of a stored procedure.
	stmtCall
	// stmtTemporary creates or drops a temporary table.
	stmtTemporary
	// stmtRoutine creates, alters or drops a trigger, stored procedure,
	// stored function or event.
	stmtRoutine
)

// changesSchema reports whether a statement of this kind, once run, may
// have changed the schema.
func (st statement) changesSchema() bool {
	switch st.kind {
	case stmtDDL, stmtOpaque, stmtExecute, stmtExecuteNow, stmtCall:
		return true
	}
	return false
}

// statement is a statement as the edge reads it.
type statement struct {
	kind stmtKind
	// name is the prepared statement's name (lowered: the names are not
	// case-sensitive), or the procedure's name for a CALL.
	name string
	// schema is the database a CALL names for its procedure, "" for the
	// session's.
	schema string
	// source is what PREPARE or EXECUTE IMMEDIATE takes the text from, as written: one
	// string literal or one user variable; "" for anything else.
	source string
	// text is the statement's own text, when it is one a PREPARE or
	// EXECUTE IMMEDIATE reads (prepareText); "" otherwise.
	text string
}

// classify reads a statement by its first words, as vitess' sqlparser.Preview does, and
// tells apart the statements that run others (docs/design/emulator-edge.md).
func classify(sql string) statement {
	l := &lexer{sql: sql}
	t, ok := l.next()
	// SET STATEMENT … FOR statement is read as its statement, without
	// recursion however many are nested.
	for ok && t.kind == tokWord && t.text == "set" && l.word("statement") {
		if !skipToFor(l) {
			return statement{kind: stmtOpaque}
		}
		t, ok = l.next()
	}
	if !ok || t.kind != tokWord {
		return statement{}
	}
	switch t.text {
	case "use":
		return statement{kind: stmtUse}
	case "drop":
		if l.word("prepare") {
			return statement{kind: stmtDeallocate, name: l.name()}
		}
		return statement{kind: ddlObject(l)}
	case "create", "alter":
		return statement{kind: ddlObject(l)}
	case "rename", "truncate":
		return statement{kind: stmtDDL}
	case "deallocate":
		l.word("prepare")
		return statement{kind: stmtDeallocate, name: l.name()}
	case "prepare":
		name := l.name()
		if name == "" || !l.word("from") {
			return statement{kind: stmtOpaque}
		}
		return statement{kind: stmtPrepare, name: name, source: source(l)}
	case "execute":
		if l.word("immediate") {
			return statement{kind: stmtExecuteNow, source: source(l)}
		}
		return statement{kind: stmtExecute, name: l.name()}
	case "call":
		return call(l)
	case "begin":
		if l.word("not") {
			return statement{kind: stmtOpaque}
		}
		return statement{}
	case "if", "case", "loop", "repeat", "while", "for":
		return statement{kind: stmtOpaque}
	}
	if next, ok := l.next(); ok && next.kind == tokPunct && next.text == ":" {
		return statement{kind: stmtOpaque} // label: BEGIN NOT ATOMIC …
	}
	return statement{}
}

// ddlObject reads what a CREATE, ALTER or DROP is of, from its first word naming a kind of
// object: a temporary table, a stored routine, or else DDL (docs/design/emulator-edge.md).
func ddlObject(l *lexer) stmtKind {
	for range maxObjectScan {
		t, ok := l.next()
		if !ok {
			break
		}
		if t.kind != tokWord {
			continue
		}
		switch t.text {
		case "temporary":
			return stmtTemporary
		case "trigger", "procedure", "function", "event", "package":
			return stmtRoutine
		case "table", "view", "index", "database", "schema", "user", "role", "sequence", "server",
			"tablespace", "logfile", "unique", "fulltext", "spatial", "resource", "spatial_reference_system":
			return stmtDDL
		}
	}
	return stmtDDL
}

// maxObjectScan bounds the words ddlObject reads before the object's kind:
// OR REPLACE, DEFINER = 'u'@'h', ALGORITHM = x, SQL SECURITY y fit.
const maxObjectScan = 16

// source reads what PREPARE or EXECUTE IMMEDIATE takes its text from: the rest, if one
// string literal or user variable; else "", as MariaDB's expressions and USING are unknown.
func source(l *lexer) string {
	from := l.pos
	t, ok := l.next()
	if !ok || t.kind != tokString && t.kind != tokVar || !l.atEnd() {
		return ""
	}
	return strings.TrimRight(strings.TrimSpace(l.sql[from:]), ";")
}

// call reads the procedure a CALL names: name or schema.name.
func call(l *lexer) statement {
	st := statement{kind: stmtCall, name: l.name()}
	save := *l
	if t, ok := l.next(); ok && t.kind == tokPunct && t.text == "." {
		st.schema, st.name = st.name, l.name()
	} else {
		*l = save
	}
	if st.name == "" {
		st.kind = stmtOpaque
	}
	return st
}

// skipToFor reads MariaDB's SET STATEMENT var = value, … to the first FOR outside
// parentheses, before its statement (mariadb.com/kb/en/set-statement/); false if none.
func skipToFor(l *lexer) bool {
	depth := 0
	for t, ok := l.next(); ok; t, ok = l.next() {
		switch {
		case t.kind == tokPunct && t.text == "(":
			depth++
		case t.kind == tokPunct && t.text == ")":
			depth--
		case t.kind == tokWord && t.text == "for" && depth == 0:
			return true
		}
	}
	return false
}

// useTarget is the database a USE statement names ("" for none).
func useTarget(sql string) (string, error) {
	stmt, err := sqlparser.Parse(sql)
	if err != nil {
		return "", mysql.NewSQLError(mysql.ERSyntaxError, mysql.SSClientError, "%v", err)
	}
	u, ok := stmt.(*sqlparser.Use)
	if !ok {
		return "", mysql.NewSQLError(mysql.ERSyntaxError, mysql.SSClientError, "not a USE statement: %s", sql)
	}
	return u.DBName.String(), nil
}

// quoteID quotes an identifier with backticks.
func quoteID(name string) string { return "`" + strings.ReplaceAll(name, "`", "``") + "`" }

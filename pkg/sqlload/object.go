package sqlload

import "strings"

// Object describes what a CREATE statement defines, for tools that treat
// SQL files as the desired schema.
type Object struct {
	// Kind is "table", "view", "trigger", "procedure", "function" or "event"; empty when the
	// statement is no CREATE of one of them (CREATE INDEX, CREATE DATABASE, ALTER, DROP, data, …).
	Kind string
	// Name is the object's name as written, without backticks ("db.t"
	// when qualified).
	Name string
	// NameAt is the byte range of the name in the statement text, qualifier included, so that
	// a caller can create the same object under another name.
	NameAt [2]int
	// Constraints are the byte ranges of the names given after
	// CONSTRAINT, which must be unique in a database for foreign keys.
	Constraints [][2]int
	// ForeignKeys is set when the statement has a REFERENCES clause.
	ForeignKeys bool
	// Temporary is set for CREATE TEMPORARY TABLE; Derived for CREATE TABLE … SELECT and
	// CREATE TABLE … LIKE, whose columns come from elsewhere.
	Temporary, Derived bool
}

// Defines reads a statement and returns the object it creates.
func Defines(text string) Object {
	l := lexer{s: text}
	if t := l.next(); !t.is("CREATE") {
		return Object{}
	}
	t := l.next()
	if t.is("OR") {
		l.next() // REPLACE
		t = l.next()
	}
	var o Object
	for {
		switch {
		case t.is("ALGORITHM"), t.is("SQL"):
			t = skipViewOption(&l, t)
			continue
		case t.is("DEFINER"):
			t = skipDefiner(&l, t)
			continue
		case t.is("TEMPORARY"):
			o.Temporary = true
			t = l.next()
			continue
		case t.is("AGGREGATE"):
			t = l.next()
			continue
		}
		break
	}
	switch {
	case t.is("TABLE"), t.is("VIEW"), t.is("TRIGGER"), t.is("PROCEDURE"), t.is("FUNCTION"), t.is("EVENT"):
		o.Kind = strings.ToLower(t.text)
	default:
		return Object{}
	}
	first := skipIfExists(&l, l.next())
	name, after := readName(&l, first)
	if name == "" {
		return Object{}
	}
	o.Name, o.NameAt = name, [2]int{first.pos, lastEnd(text, first.pos, after)}
	if o.Kind == "table" {
		o.scanTable(&l, after)
	}
	return o
}

// lastEnd is the end of a name that starts at pos and is followed by the
// token after: the last non-blank byte before after.
func lastEnd(text string, pos int, after token) int {
	end := after.pos
	for end > pos && isSpace(text[end-1]) {
		end--
	}
	return end
}

// scanTable reads a CREATE TABLE's body for constraint names, references
// and the forms whose columns come from elsewhere.
func (o *Object) scanTable(l *lexer, t token) {
	if t.is("LIKE") {
		o.Derived = true
		return
	}
	for ; t.kind != tokEnd; t = l.next() {
		switch {
		case t.is("CONSTRAINT"):
			n := l.next()
			if n.name() && !n.is("PRIMARY") && !n.is("UNIQUE") && !n.is("FOREIGN") && !n.is("CHECK") {
				o.Constraints = append(o.Constraints, [2]int{n.pos, n.end})
			}
		case t.is("REFERENCES"):
			o.ForeignKeys = true
		case t.is("SELECT"), t.is("LIKE"):
			o.Derived = true
		}
	}
}

// skipViewOption moves past ALGORITHM = x and SQL SECURITY x.
func skipViewOption(l *lexer, t token) token {
	if t.is("SQL") {
		l.next() // SECURITY
		l.next() // DEFINER | INVOKER
		return l.next()
	}
	l.next() // =
	l.next()
	return l.next()
}

// Classify returns the kind of a statement, as the loader sees it.
func Classify(text string) Kind {
	k, _ := classify(text)
	return k
}

// TogglesKeys reports whether a statement is ALTER TABLE t DISABLE KEYS or ENABLE KEYS, which
// mysqldump writes around a table's rows and which changes no definition.
func TogglesKeys(text string) bool {
	l := lexer{s: text}
	if !l.next().is("ALTER") || !l.next().is("TABLE") {
		return false
	}
	name, t := readName(&l, l.next())
	if name == "" || !t.is("DISABLE") && !t.is("ENABLE") {
		return false
	}
	return l.next().is("KEYS") && l.next().kind == tokEnd
}

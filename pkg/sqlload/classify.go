package sqlload

import "strings"

// classify returns a statement's kind and, for data statements, its target
// table.
func classify(text string) (Kind, string) {
	l := lexer{s: text}
	t := l.next()
	if t.kind != tokWord {
		return Other, ""
	}
	switch strings.ToUpper(t.text) {
	case "CREATE", "ALTER", "DROP", "RENAME", "TRUNCATE":
		return Schema, ""
	case "INSERT", "REPLACE", "UPDATE", "DELETE", "LOAD":
		table, _ := parseData(text)
		return Data, table
	case "SET", "USE", "LOCK", "UNLOCK", "START", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE":
		return Session, ""
	case "BEGIN":
		if n := l.next(); n.is("NOT") || n.kind == tokPunct && n.text == ":" {
			return Other, "" // BEGIN NOT ATOMIC … END is a compound statement
		}
		return Session, ""
	}
	return Other, ""
}

// parseData returns a data statement's target table and whether it only writes that table:
// INSERT/REPLACE … VALUES|SET, one-table UPDATE or DELETE, LOAD DATA; the caller checks subqueries.
func parseData(text string) (table string, simple bool) {
	l := lexer{s: text}
	verb := strings.ToUpper(l.next().text)
	t := l.next()
	switch verb {
	case "INSERT", "REPLACE":
		t = skipWords(&l, t, "LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY", "IGNORE")
		if t.is("INTO") {
			t = l.next()
		}
		table, t = readName(&l, t)
		if t.is("PARTITION") {
			t = skipParens(&l, l.next())
		}
		if t.kind == tokPunct && t.text == "(" {
			t = skipParens(&l, t)
		}
		return table, table != "" && (t.is("VALUES") || t.is("VALUE") || t.is("SET"))
	case "UPDATE":
		t = skipWords(&l, t, "LOW_PRIORITY", "IGNORE")
		table, t = readName(&l, t)
		return table, table != "" && t.is("SET")
	case "DELETE":
		t = skipWords(&l, t, "LOW_PRIORITY", "QUICK", "IGNORE")
		if !t.is("FROM") {
			table, _ = readName(&l, t) // multi-table DELETE t1 FROM …
			return table, false
		}
		table, t = readName(&l, l.next())
		return table, table != "" && (t.kind == tokEnd || t.is("WHERE") || t.is("ORDER") || t.is("LIMIT") || t.is("RETURNING"))
	case "LOAD":
		for i := 0; i < 16 && t.kind != tokEnd && !t.is("TABLE"); i++ {
			t = l.next()
		}
		table, _ = readName(&l, l.next())
		return table, table != ""
	}
	return "", false
}

// schemaTarget describes a schema statement for the loader.
type schemaTarget struct {
	// table is the one table the statement is about; empty when it is about
	// something else or several tables.
	table string
	// temporary is set for CREATE TEMPORARY TABLE.
	temporary bool
	// refs lists tables named after REFERENCES.
	refs []string
}

// parseSchema tells which single table a schema statement is about; statements that read
// other tables (CREATE TABLE … SELECT, LIKE) or rename tables have none.
func parseSchema(text string) schemaTarget {
	l := lexer{s: text}
	verb := strings.ToUpper(l.next().text)
	t := l.next()
	var st schemaTarget
	switch verb {
	case "CREATE":
		if t.is("OR") {
			t = l.next()
			t = l.next() // REPLACE
		}
		t = skipDefiner(&l, t)
		if t.is("TEMPORARY") {
			st.temporary = true
			t = l.next()
		}
		switch {
		case t.is("TABLE"):
			var after token
			st.table, after = readName(&l, skipIfExists(&l, l.next()))
			if scanRest(&l, after, &st, "SELECT", "LIKE") {
				st.table = ""
			}
		case t.is("TRIGGER"), t.is("INDEX"), t.is("UNIQUE"), t.is("FULLTEXT"), t.is("SPATIAL"):
			st.table = tableAfterOn(&l)
		}
	case "ALTER":
		t = skipWords(&l, t, "ONLINE", "IGNORE")
		if t.is("TABLE") {
			var after token
			st.table, after = readName(&l, l.next())
			if scanRest(&l, after, &st, "RENAME", "EXCHANGE", "SELECT") {
				st.table = ""
			}
		}
	case "DROP":
		t = skipWords(&l, t, "TEMPORARY")
		switch {
		case t.is("TABLE"), t.is("TABLES"):
			var after token
			st.table, after = readName(&l, skipIfExists(&l, l.next()))
			if !(after.kind == tokEnd || after.is("RESTRICT") || after.is("CASCADE")) {
				st.table = ""
			}
		case t.is("INDEX"):
			st.table = tableAfterOn(&l)
		}
	case "TRUNCATE":
		if t.is("TABLE") {
			t = l.next()
		}
		st.table, _ = readName(&l, t)
	}
	return st
}

// scanRest reads the rest of a statement from t on, collecting the tables named after
// REFERENCES, and reports whether any of the given keywords occurs.
func scanRest(l *lexer, t token, st *schemaTarget, keywords ...string) bool {
	found := false
	for ; t.kind != tokEnd; t = l.next() {
		if t.is("REFERENCES") {
			var ref string
			ref, t = readName(l, l.next())
			if ref != "" {
				st.refs = append(st.refs, ref)
			}
			if t.kind == tokEnd {
				break
			}
		}
		for _, kw := range keywords {
			if t.is(kw) {
				found = true
			}
		}
	}
	return found
}

// tableAfterOn returns the name after the first ON within the next few
// tokens (CREATE TRIGGER x BEFORE INSERT ON t, CREATE INDEX i ON t).
func tableAfterOn(l *lexer) string {
	for i := 0; i < 24; i++ {
		t := l.next()
		if t.kind == tokEnd {
			return ""
		}
		if t.is("ON") {
			name, _ := readName(l, l.next())
			return name
		}
	}
	return ""
}

// skipDefiner moves past DEFINER = user@host (or CURRENT_USER[()]).
func skipDefiner(l *lexer, t token) token {
	if !t.is("DEFINER") {
		return t
	}
	t = l.next() // =
	t = l.next()
	if t.is("CURRENT_USER") {
		t = l.next()
		if t.kind == tokPunct && t.text == "(" {
			l.next()
			t = l.next()
		}
		return t
	}
	t = l.next()
	if t.kind == tokPunct && t.text == "@" {
		l.next()
		t = l.next()
	}
	return t
}

// skipIfExists moves past IF [NOT] EXISTS.
func skipIfExists(l *lexer, t token) token {
	if !t.is("IF") {
		return t
	}
	t = l.next()
	if t.is("NOT") {
		t = l.next()
	}
	return l.next()
}

// skipWords moves past any of the given keywords.
func skipWords(l *lexer, t token, words ...string) token {
	for {
		hit := false
		for _, w := range words {
			if t.is(w) {
				hit = true
			}
		}
		if !hit {
			return t
		}
		t = l.next()
	}
}

// skipParens moves past a parenthesised group starting at t and returns the
// token after it.
func skipParens(l *lexer, t token) token {
	if t.kind != tokPunct || t.text != "(" {
		return t
	}
	for depth := 0; ; {
		switch {
		case t.kind == tokEnd:
			return t
		case t.kind == tokPunct && t.text == "(":
			depth++
		case t.kind == tokPunct && t.text == ")":
			depth--
			if depth == 0 {
				return l.next()
			}
		}
		t = l.next()
	}
}

// readName reads a possibly qualified name starting at t and returns it
// ("db.t") with the token after it; "" when t is not a name.
func readName(l *lexer, t token) (string, token) {
	if !t.name() {
		return "", t
	}
	name := t.text
	t = l.next()
	for t.kind == tokPunct && t.text == "." {
		part := l.next()
		if !part.name() {
			return name, part
		}
		name += "." + part.text
		t = l.next()
	}
	return name, t
}

// mentionsSelect reports whether SELECT occurs outside quoted strings and identifiers, so that
// the statement may read other tables; a SELECT in a comment only costs parallelism.
func mentionsSelect(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\'' || c == '"':
			i = closeQuote(s, i+1, c, true) + 1
		case c == '`':
			i = closeQuote(s, i+1, '`', false) + 1
		case isWordByte(c):
			j := i + 1
			for j < len(s) && isWordByte(s[j]) {
				j++
			}
			if j-i == 6 && strings.EqualFold(s[i:j], "select") {
				return true
			}
			i = j
		default:
			i++
		}
	}
	return false
}

// tableKey is the name the loader groups a table's work under: the last
// part of the name, lowercased, so that t and db.t share one connection.
func tableKey(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	return strings.ToLower(name)
}

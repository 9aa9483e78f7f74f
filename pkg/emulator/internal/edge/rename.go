package edge

import (
	"bytes"
	"errors"
	"strings"

	"github.com/dolthub/vitess/go/mysql"
	"github.com/dolthub/vitess/go/sqltypes"
)

// The client knows the branch's database by the PlanetScale name and storage by another;
// the edge renames both ways, as vtgate does (docs/design/emulator-edge.md).

// posToken is a token and where it is in its statement.
type posToken struct {
	token
	start, end int
}

// rewriteToStorage puts the storage name for the client's name of the database where it
// names it: a qualifier, a literal compared with a schema column, a SHOW's database.
func rewriteToStorage(sql string, acct Account) string {
	db := strings.ToLower(acct.Database)
	if db == "" || !strings.Contains(strings.ToLower(sql), db) {
		return sql
	}
	var toks []posToken
	l := &lexer{sql: sql}
	for t, ok := l.next(); ok; t, ok = l.next() {
		toks = append(toks, posToken{t, l.start, l.pos})
	}
	if len(toks) == 0 {
		return sql
	}
	isName := func(i int) bool {
		return i >= 0 && i < len(toks) && (toks[i].kind == tokWord || toks[i].kind == tokQuoted) && toks[i].text == db
	}
	isPunct := func(i int, p string) bool {
		return i >= 0 && i < len(toks) && toks[i].kind == tokPunct && toks[i].text == p
	}
	show := toks[0].kind == tokWord && toks[0].text == "show"
	afterShowWord := func(i int) bool {
		if !show || i == 0 || toks[i-1].kind != tokWord {
			return false
		}
		switch toks[i-1].text {
		case "from", "in", "database", "schema":
			return true
		}
		return false
	}
	qualifiers := true
	for i := range toks {
		if isName(i) && !isPunct(i+1, ".") && !isPunct(i-1, ".") && !afterShowWord(i) {
			qualifiers = false // a table, column or alias named like the database
		}
	}
	var out strings.Builder
	last := 0
	replace := func(t posToken, with string) {
		out.WriteString(sql[last:t.start])
		out.WriteString(with)
		last = t.end
	}
	for i, t := range toks {
		switch {
		case isName(i) && isPunct(i+1, ".") && !isPunct(i-1, ".") && qualifiers,
			isName(i) && afterShowWord(i) && !isPunct(i+1, "."):
			replace(t, quoteID(acct.Storage))
		case t.kind == tokString && unquoteString(t.text) == acct.Database && nearSchemaColumn(toks, i):
			replace(t, "'"+acct.Storage+"'")
		}
	}
	if last == 0 {
		return sql
	}
	out.WriteString(sql[last:])
	return out.String()
}

// nearSchemaColumn reports whether the literal at i is compared with a schema column:
// the name before it, past operators, literals, IN, NOT, LIKE, BINARY, or after "=".
func nearSchemaColumn(toks []posToken, i int) bool {
	for j := i - 1; j >= 0 && j >= i-64; j-- {
		t := toks[j].token
		if t.kind == tokPunct || t.kind == tokString {
			continue
		}
		if t.kind == tokWord {
			switch t.text {
			case "in", "not", "like", "binary":
				continue
			}
		}
		if isSchemaColumn(t) {
			return true
		}
		break
	}
	if i+2 < len(toks) && toks[i+1].kind == tokPunct && toks[i+1].text == "=" {
		return isSchemaColumn(toks[i+2].token)
	}
	return false
}

// isSchemaColumn reports whether t names a column holding a schema name, as
// information_schema's table_schema, schema_name, constraint_schema and the like do.
func isSchemaColumn(t token) bool {
	if t.kind != tokWord && t.kind != tokQuoted {
		return false
	}
	return strings.HasSuffix(t.text, "schema") || t.text == "schema_name"
}

// unquoteString is a string literal's value, for a plain one (no escapes).
func unquoteString(lit string) string {
	if len(lit) < 2 {
		return ""
	}
	q := lit[0]
	inner := lit[1 : len(lit)-1]
	if strings.IndexByte(inner, '\\') >= 0 || strings.IndexByte(inner, q) >= 0 {
		return ""
	}
	return inner
}

// renameResult puts the client's name for the storage name in a result: field names
// ("Tables_in_…"), their database, and every quoted value (DATABASE(), SHOW DATABASES).
func renameResult(res *sqltypes.Result, acct Account) {
	if res == nil || acct.Storage == "" {
		return
	}
	from, to := []byte(acct.Storage), []byte(acct.Database)
	for _, f := range res.Fields {
		f.Name = strings.ReplaceAll(f.Name, acct.Storage, acct.Database)
		f.OrgName = strings.ReplaceAll(f.OrgName, acct.Storage, acct.Database)
		f.Database = strings.ReplaceAll(f.Database, acct.Storage, acct.Database)
	}
	for _, row := range res.Rows {
		for i, v := range row {
			if v.IsQuoted() && bytes.Contains(v.Raw(), from) {
				row[i] = sqltypes.MakeTrusted(v.Type(), bytes.ReplaceAll(v.Raw(), from, to))
			}
		}
	}
}

// renameError replaces the storage name with the client's in a storage
// error's message ("Table 'app.nope' doesn't exist").
func renameError(err error, acct Account) error {
	var se *mysql.SQLError
	if acct.Storage == "" || !errors.As(err, &se) || !strings.Contains(se.Message, acct.Storage) {
		return err
	}
	return mysql.NewSQLError(se.Num, se.State, "%s", strings.ReplaceAll(se.Message, acct.Storage, acct.Database))
}

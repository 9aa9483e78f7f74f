package edge

import (
	"strings"
	"unicode"

	"github.com/dolthub/vitess/go/mysql"
	"github.com/dolthub/vitess/go/vt/sqlparser"
)

// stmtKind is what the edge needs to know of a statement.
type stmtKind int

const (
	stmtOther stmtKind = iota
	stmtUse
	stmtDDL
)

// classify tells USE and DDL apart by the statement's first word after
// its comments, as vitess' sqlparser.Preview does, whose DDL words are
// create, alter, rename, drop and truncate (vitess
// go/vt/sqlparser/analyzer.go). A statement in a versioned comment
// (/*!50001 …*/) is none of them, as for Preview.
func classify(sql string) stmtKind {
	t := sqlparser.StripLeadingComments(sql)
	if strings.HasPrefix(t, "/*!") {
		return stmtOther
	}
	word := strings.ToLower(strings.TrimLeftFunc(t, func(r rune) bool { return !unicode.IsLetter(r) }))
	if end := strings.IndexFunc(word, func(r rune) bool { return !unicode.IsLetter(r) }); end >= 0 {
		word = word[:end]
	}
	switch word {
	case "use":
		return stmtUse
	case "create", "alter", "rename", "drop", "truncate":
		return stmtDDL
	}
	return stmtOther
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

package ddl

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"vitess.io/vitess/go/sqltypes"

	"vitess.io/vitess/go/vt/schemadiff"
	"vitess.io/vitess/go/vt/sqlparser"
)

// ErrUnsupportedStatement is returned for a statement that is neither
// CREATE TABLE nor CREATE VIEW.
var ErrUnsupportedStatement = errors.New("only CREATE TABLE and CREATE VIEW statements are supported")

// StatementError reports a schema statement that could not be parsed or is
// not supported. Statement is the text as given.
type StatementError struct {
	Statement string
	Err       error
}

// Error names the statement (its table or view, else its first characters)
// and the cause.
func (e *StatementError) Error() string {
	return fmt.Sprintf("statement %s: %v", describeStatement(e.Statement), e.Err)
}

// Unwrap returns the cause.
func (e *StatementError) Unwrap() error { return e.Err }

var entityNameRE = regexp.MustCompile("(?is)^\\s*create\\b.*?\\b(table|view)\\s+(?:if\\s+not\\s+exists\\s+)?((?:`[^`]*`|[\\w$]+)(?:\\.(?:`[^`]*`|[\\w$]+))?)")

// describeStatement names a statement for error messages.
func describeStatement(stmt string) string {
	if m := entityNameRE.FindStringSubmatch(stmt); m != nil {
		return strings.ToLower(m[1]) + " " + m[2]
	}
	short := strings.Join(strings.Fields(stmt), " ")
	if r := []rune(short); len(r) > 60 {
		short = string(r[:60]) + "…"
	}
	return strconv.Quote(short)
}

// parseSchema parses and normalises a list of CREATE statements. Blank
// entries are skipped.
func parseSchema(env *schemadiff.Environment, stmts []string) ([]sqlparser.Statement, error) {
	out := make([]sqlparser.Statement, 0, len(stmts))
	for _, raw := range stmts {
		text := strings.TrimSpace(raw)
		text = strings.TrimSpace(strings.TrimRight(text, ";"))
		if text == "" {
			continue
		}
		stmt, err := parseStatement(env, text)
		if err != nil {
			return nil, &StatementError{Statement: raw, Err: err}
		}
		out = append(out, stmt)
	}
	return out, nil
}

// parseStatement parses one CREATE statement and rewrites the server's
// dialect to the canonical MySQL form that schemadiff compares.
func parseStatement(env *schemadiff.Environment, text string) (sqlparser.Statement, error) {
	stmt, err := env.Parser().ParseStrictDDL(parenthesizeDefaults(text))
	if err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	switch s := stmt.(type) {
	case *sqlparser.CreateTable:
		normalizeTable(s)
	case *sqlparser.CreateView:
		normalizeView(s)
	default:
		return nil, ErrUnsupportedStatement
	}
	return stmt, nil
}

// normalizeTable drops what the server adds (AUTO_INCREMENT counters, qualifiers)
// and rewrites MariaDB's spellings of defaults and JSON columns to MySQL's.
func normalizeTable(ct *sqlparser.CreateTable) {
	ct.Table.Qualifier = sqlparser.NewIdentifierCS("")
	ct.IfNotExists = false
	ct.Temp = false
	if ct.TableSpec == nil {
		return
	}
	opts := ct.TableSpec.Options[:0]
	for _, opt := range ct.TableSpec.Options {
		if !strings.EqualFold(opt.Name, "auto_increment") {
			opts = append(opts, opt)
		}
	}
	ct.TableSpec.Options = opts
	restoreJSONColumns(ct.TableSpec)
	for _, col := range ct.TableSpec.Columns {
		normalizeDefault(col.Type)
	}
}

// restoreJSONColumns turns MariaDB's JSON column, `longtext ... COLLATE utf8mb4_bin`
// with `CHECK (json_valid(c))`, back into `json` without the check.
func restoreJSONColumns(spec *sqlparser.TableSpec) {
	cols := make(map[string]*sqlparser.ColumnDefinition, len(spec.Columns))
	for _, col := range spec.Columns {
		cols[col.Name.Lowered()] = col
	}
	kept := spec.Constraints[:0]
	for _, cs := range spec.Constraints {
		if col := jsonCheckColumn(cs, cols); col != nil {
			col.Type.Type = "json"
			col.Type.Charset = sqlparser.ColumnCharset{}
			col.Type.Options.Collate = ""
			continue
		}
		kept = append(kept, cs)
	}
	spec.Constraints = kept
}

// jsonCheckColumn returns the column a `CHECK (json_valid(col))` constraint
// guards when that column is MariaDB's JSON alias, else nil.
func jsonCheckColumn(cs *sqlparser.ConstraintDefinition, cols map[string]*sqlparser.ColumnDefinition) *sqlparser.ColumnDefinition {
	check, ok := cs.Details.(*sqlparser.CheckConstraintDefinition)
	if !ok {
		return nil
	}
	fn, ok := check.Expr.(*sqlparser.JSONAttributesExpr)
	if !ok || fn.Type != sqlparser.ValidAttributeType || fn.Path != nil {
		return nil
	}
	ref, ok := fn.JSONDoc.(*sqlparser.ColName)
	if !ok {
		return nil
	}
	col := cols[ref.Name.Lowered()]
	if col == nil || !strings.EqualFold(col.Type.Type, "longtext") || col.Type.Options == nil {
		return nil
	}
	if !strings.EqualFold(col.Type.Options.Collate, "utf8mb4_bin") {
		return nil
	}
	return col
}

var numericTextRE = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// normalizeDefault quotes a literal default as MySQL does (MariaDB prints `DEFAULT 0`), and
// restores what go-mysql-server drops: a decimal's scale, an enum default's value.
func normalizeDefault(ct *sqlparser.ColumnType) {
	if ct.Options == nil || ct.Options.Default == nil {
		return
	}
	lit := numericLiteral(ct.Options.Default)
	if lit == nil {
		return
	}
	val := lit.Val
	typ := strings.ToLower(ct.Type)
	switch {
	case (typ == "decimal" || typ == "numeric") && numericTextRE.MatchString(val):
		val = padScale(val, ct.Scale)
	case typ == "enum":
		values := enumValues(ct)
		if n, err := strconv.Atoi(val); err == nil && !slices.Contains(values, val) && n >= 1 && n <= len(values) {
			val = values[n-1]
		}
	}
	ct.Options.Default = sqlparser.NewStrLiteral(val)
	ct.Options.DefaultLiteral = true
}

// numericLiteral returns a default written as a number or quoted string
// (negative numbers included) as one literal; other expressions give nil.
func numericLiteral(e sqlparser.Expr) *sqlparser.Literal {
	switch v := e.(type) {
	case *sqlparser.Literal:
		switch v.Type {
		case sqlparser.IntVal, sqlparser.FloatVal, sqlparser.DecimalVal, sqlparser.StrVal:
			return v
		}
	case *sqlparser.UnaryExpr:
		inner, ok := v.Expr.(*sqlparser.Literal)
		if ok && v.Operator == sqlparser.UMinusOp &&
			(inner.Type == sqlparser.IntVal || inner.Type == sqlparser.FloatVal || inner.Type == sqlparser.DecimalVal) {
			return sqlparser.NewStrLiteral("-" + inner.Val)
		}
	}
	return nil
}

// padScale writes a decimal number with at least scale fractional digits.
func padScale(val string, scale *int) string {
	if scale == nil {
		return val
	}
	intPart, frac, _ := strings.Cut(val, ".")
	if len(frac) >= *scale {
		return val
	}
	frac += strings.Repeat("0", *scale-len(frac))
	if frac == "" {
		return intPart
	}
	return intPart + "." + frac
}

// enumValues returns the values of an ENUM or SET column, unquoted (the
// parser keeps them as SQL string literals).
func enumValues(ct *sqlparser.ColumnType) []string {
	out := make([]string, len(ct.EnumValues))
	for i, v := range ct.EnumValues {
		if d, err := sqltypes.DecodeStringSQL(v); err == nil {
			v = d
		}
		out[i] = v
	}
	return out
}

// systemSchemas are schema qualifiers kept in views; every other qualifier
// names the branch's own database and is removed.
var systemSchemas = map[string]bool{
	"information_schema": true, "mysql": true, "performance_schema": true, "sys": true,
}

// normalizeView drops the defaults MariaDB spells out (ALGORITHM=UNDEFINED, DEFINER,
// SQL SECURITY DEFINER) and the database qualifier it adds to each table reference.
func normalizeView(cv *sqlparser.CreateView) {
	cv.ViewName.Qualifier = sqlparser.NewIdentifierCS("")
	cv.IsReplace = false
	cv.Comments = nil
	cv.Definer = nil
	if strings.EqualFold(cv.Algorithm, "undefined") {
		cv.Algorithm = ""
	}
	if strings.EqualFold(cv.Security, "definer") {
		cv.Security = ""
	}
	cv.Select = sqlparser.Rewrite(cv.Select, nil, func(c *sqlparser.Cursor) bool {
		switch n := c.Node().(type) {
		case sqlparser.TableName:
			if dropQualifier(n.Qualifier) {
				c.Replace(sqlparser.TableName{Name: n.Name})
			}
		case *sqlparser.ColName:
			if dropQualifier(n.Qualifier.Qualifier) {
				n.Qualifier.Qualifier = sqlparser.NewIdentifierCS("")
			}
		}
		return true
	}).(sqlparser.TableStatement)
}

func dropQualifier(q sqlparser.IdentifierCS) bool {
	return !q.IsEmpty() && !systemSchemas[strings.ToLower(q.String())]
}

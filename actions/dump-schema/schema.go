package dumpschema

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/psflow/psflow/pkg/planetscale"
)

// object is one table or view of a dump and the content of its file.
type object struct {
	Name string
	View bool
	SQL  string // the CREATE statement, ";" and a newline
}

// File is the name of the object's file in the dump's directory.
func (o object) File() string { return o.Name + ".sql" }

// left is a table the dump leaves out, and why.
type left struct{ name, why string }

var (
	tableRE = regexp.MustCompile(`(?is)^\s*CREATE\s+TABLE\b`)
	// viewRE matches the head of SHOW CREATE VIEW as MySQL and MariaDB
	// print it: CREATE ALGORITHM=… DEFINER=… SQL SECURITY … VIEW.
	viewRE = regexp.MustCompile(`(?is)^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:ALGORITHM\s*=\s*\w+\s+)?(?:DEFINER\s*=\s*\S+\s+)?(?:SQL\s+SECURITY\s+\w+\s+)?VIEW\b`)
)

// objects turns a branch schema into a dump's objects, sorted by name and
// without the AUTO_INCREMENT table option, leaving out the tables in skip.
func objects(schema []*planetscale.SchemaFile, skip map[string]string) ([]object, []left, error) {
	var out []object
	var skipped []left
	folded := map[string]string{}
	for _, f := range schema {
		if why, ok := skip[f.Name]; ok {
			skipped = append(skipped, left{f.Name, why})
			continue
		}
		if err := fileName(f.Name); err != nil {
			return nil, nil, err
		}
		// Two names that differ only in case would share a file on a
		// case-insensitive file system (macOS, Windows).
		if other, ok := folded[strings.ToLower(f.Name)]; ok {
			return nil, nil, fmt.Errorf("tables %s and %s differ only in case, so their files would collide on a case-insensitive file system", other, f.Name)
		}
		folded[strings.ToLower(f.Name)] = f.Name
		o := object{Name: f.Name}
		switch {
		case tableRE.MatchString(f.Raw):
			o.SQL = stripAutoIncrement(f.Raw)
		case viewRE.MatchString(f.Raw):
			o.View, o.SQL = true, f.Raw
		default:
			return nil, nil, fmt.Errorf("the schema of %s is neither a CREATE TABLE nor a CREATE VIEW statement: %.60q", f.Name, f.Raw)
		}
		o.SQL = terminated(o.SQL)
		out = append(out, o)
	}
	slices.SortFunc(out, func(a, b object) int { return strings.Compare(a.Name, b.Name) })
	slices.SortFunc(skipped, func(a, b left) int { return strings.Compare(a.name, b.name) })
	return out, skipped, nil
}

// fileName checks that a table's name can name its file.
func fileName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\\\x00") {
		return fmt.Errorf("table or view %q cannot name a file; rename it", name)
	}
	return nil
}

// terminated ends a statement with exactly one ";" and a newline.
func terminated(stmt string) string {
	stmt = strings.TrimSpace(stmt)
	stmt = strings.TrimSpace(strings.TrimSuffix(stmt, ";"))
	return stmt + ";\n"
}

// autoIncrementOption is the AUTO_INCREMENT=n table option, with the
// blank before it.
var autoIncrementOption = regexp.MustCompile(`^\s+AUTO_INCREMENT\s*=\s*\d+`)

// stripAutoIncrement removes the AUTO_INCREMENT=n table option from a
// CREATE TABLE statement, keeping a column's attribute and quoted text.
func stripAutoIncrement(stmt string) string {
	var b strings.Builder
	depth := 0
	var quote byte
	for i := 0; i < len(stmt); i++ {
		c := stmt[i]
		if quote != 0 {
			b.WriteByte(c)
			switch {
			case c == '\\' && quote != '`' && i+1 < len(stmt):
				i++
				b.WriteByte(stmt[i])
			case c == quote:
				quote = 0 // a doubled quote closes and opens again
			}
			continue
		}
		if depth == 0 && (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			if m := autoIncrementOption.FindStringIndex(stmt[i:]); m != nil {
				i += m[1] - 1
				continue
			}
		}
		switch c {
		case '\'', '"', '`':
			quote = c
		case '(':
			depth++
		case ')':
			depth--
		}
		b.WriteByte(c)
	}
	return b.String()
}

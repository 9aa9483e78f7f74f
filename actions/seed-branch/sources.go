package seedbranch

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/psflow/psflow/pkg/sqlload"
)

// definition is one CREATE statement of the schema files.
type definition struct {
	obj  sqlload.Object
	text string
	file string // the file, for messages
	line int    // the line where the statement starts
	at   string // file:line, for messages
}

// failed describes err, a failure of the definition, naming the line the
// server points at and quoting no literal: "db/t.sql:6: create table t: …".
func (d definition) failed(err error) error {
	return sqlload.NewStatementError(d.file, sqlload.Statement{Text: d.text, Line: d.line}, err)
}

// sources are the files of the three inputs, read and checked before
// anything is created.
type sources struct {
	tables, views []definition // in file order
	migrations    []migration  // in order of their versions
	data          []seedFile
	dataTables    []string // tables the data files write, lowercased
	bytes         int64
}

// readSources resolves and checks the schema, migrations and data inputs.
func readSources(schema, migrations, data []string) (*sources, error) {
	if len(schema) > 0 && len(migrations) > 0 {
		return nil, errors.New("set schema or migrations, not both: schema files are the desired state, migrations the steps to it")
	}
	if len(schema)+len(migrations)+len(data) == 0 {
		return nil, errors.New("set schema (the desired CREATE TABLE and CREATE VIEW statements) or migrations, and data for the branch's rows")
	}
	src := &sources{}
	if len(schema) > 0 {
		files, err := inputFiles("schema", schema)
		if err != nil {
			return nil, err
		}
		if err := src.readSchema(files); err != nil {
			return nil, err
		}
	}
	if len(migrations) > 0 {
		files, err := inputFiles("migrations", migrations)
		if err != nil {
			return nil, err
		}
		if src.migrations, err = readMigrations(files); err != nil {
			return nil, fmt.Errorf("input migrations: %w", err)
		}
		for _, m := range src.migrations {
			src.bytes += m.file.Size
		}
	}
	if len(data) > 0 {
		files, err := inputFiles("data", data)
		if err != nil {
			return nil, err
		}
		if err := src.readData(files); err != nil {
			return nil, err
		}
	}
	return src, nil
}

// inputFiles resolves one input's entries into files and hashes them.
func inputFiles(input string, entries []string) ([]seedFile, error) {
	files, err := resolveFiles(entries)
	if err == nil {
		_, err = hashFiles(files)
	}
	if err != nil {
		return nil, fmt.Errorf("input %s: %w", input, err)
	}
	return files, nil
}

// eachStatement splits a file and calls fn with each statement.
func eachStatement(f seedFile, fn func(sqlload.Statement) error) error {
	r, err := os.Open(filepath.FromSlash(f.Path))
	if err != nil {
		return fmt.Errorf("%s: %w", f.Path, unwrapPath(err))
	}
	defer r.Close()
	sp := sqlload.NewSplitter(r)
	for {
		st, err := sp.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", f.Path, err)
		}
		if err := fn(st); err != nil {
			return err
		}
	}
}

// readSchema reads the definitions of the schema files. A statement that
// is not a definition is refused, pointing to the input it belongs in.
func (src *sources) readSchema(files []seedFile) error {
	where := map[string]string{}
	for _, f := range files {
		src.bytes += f.Size
		err := eachStatement(f, func(st sqlload.Statement) error {
			at := fmt.Sprintf("%s:%d", f.Path, st.Line)
			d := definition{obj: sqlload.Defines(st.Text), text: st.Text, file: f.Path, line: st.Line, at: at}
			if err := checkDefinition(st, d.obj); err != nil {
				return fmt.Errorf("input schema: %s: %w", at, err)
			}
			if st.Kind == sqlload.Session {
				return nil
			}
			key := d.obj.Kind + " " + strings.ToLower(d.obj.Name)
			if d.obj.Kind == "view" {
				key = "table " + strings.ToLower(d.obj.Name) // views and tables share names
			}
			if prev, ok := where[key]; ok {
				return fmt.Errorf("input schema: %s defines %s %s again (first at %s)", at, d.obj.Kind, d.obj.Name, prev)
			}
			where[key] = at
			if d.obj.Kind == "table" {
				src.tables = append(src.tables, d)
			} else {
				src.views = append(src.views, withoutDefiner(d))
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// scratchPrefix starts the names of the objects seed-branch creates for a
// moment on the branch; a run drops any it finds left over.
const scratchPrefix = "_psflow_"

// checkDefinition refuses a statement of a schema file that is no
// definition of the desired state.
func checkDefinition(st sqlload.Statement, o sqlload.Object) error {
	verb := leadingWords(st.Text, 2)
	switch {
	case st.Kind == sqlload.Session:
		return nil // SET NAMES and the like, as dumps write them
	case st.Kind == sqlload.Data:
		return fmt.Errorf("%s writes rows; schema files hold the desired CREATE TABLE and CREATE VIEW statements: put rows in data", verb)
	case o.Kind == "":
		return fmt.Errorf("%s is a change, not a definition; schema files hold the desired CREATE TABLE and CREATE VIEW statements: "+
			"write the table as it should be (its deploy request computes the ALTER), or use migrations instead of schema", verb)
	case o.Kind != "table" && o.Kind != "view":
		return fmt.Errorf("%s %s: PlanetScale supports no stored routines, triggers or events (planetscale.com/docs/vitess/mysql-compatibility), "+
			"so no deploy request can carry it; do its work in the application", verb, o.Name)
	case strings.Contains(o.Name, "."):
		return fmt.Errorf("%s %s names its database; name the %s alone", verb, o.Name, o.Kind)
	case o.Temporary || o.Derived:
		return fmt.Errorf("%s %s is a temporary table or takes its columns from elsewhere (SELECT, LIKE); write its columns", verb, o.Name)
	case strings.HasPrefix(strings.ToLower(o.Name), scratchPrefix):
		return fmt.Errorf("%s %s: names starting with %s are seed-branch's own", verb, o.Name, scratchPrefix)
	}
	return nil
}

// leadingWords returns the first n keyword-like words of a statement,
// uppercased, for messages ("ALTER TABLE"), or "a statement".
func leadingWords(text string, n int) string {
	var words []string
	for _, w := range strings.Fields(text) {
		if len(words) == n {
			break
		}
		end := strings.IndexFunc(w, func(r rune) bool { return r != '_' && !isLetter(r) })
		cut := end >= 0
		if cut {
			if r := w[end]; r >= '0' && r <= '9' || r >= 0x80 {
				break // a word with digits or other letters is no keyword
			}
			w = w[:end]
		}
		if w == "" || len(w) > maxWord || !oneCase(w) {
			break
		}
		words = append(words, strings.ToUpper(w))
		if cut {
			break
		}
	}
	if len(words) == 0 {
		return "a statement"
	}
	return strings.Join(words, " ")
}

// isLetter reports whether r is an ASCII letter.
func isLetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

// oneCase reports whether a word is in upper or lower case, or
// capitalized.
func oneCase(w string) bool {
	rest := w[1:]
	return w == strings.ToUpper(w) || w == strings.ToLower(w) || rest == strings.ToLower(rest)
}

// maxWord is the longest word leadingWords shows.
const maxWord = 24

// readData checks that the data files hold no schema change and collects
// the tables they write.
func (src *sources) readData(files []seedFile) error {
	seen := map[string]bool{}
	for _, f := range files {
		src.bytes += f.Size
		err := eachStatement(f, func(st sqlload.Statement) error {
			switch {
			case st.Kind == sqlload.Schema && !sqlload.TogglesKeys(st.Text):
				return fmt.Errorf("input data: %s:%d: %s changes the schema; data files hold rows: put it in schema or migrations", f.Path, st.Line, leadingWords(st.Text, 2))
			case st.Kind == sqlload.Data && st.Table != "":
				name := st.Table
				if i := strings.LastIndexByte(name, '.'); i >= 0 {
					name = name[i+1:]
				}
				if !seen[strings.ToLower(name)] {
					seen[strings.ToLower(name)] = true
					src.dataTables = append(src.dataTables, name)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	src.data = files
	slices.Sort(src.dataTables)
	return nil
}

// definer matches a DEFINER clause: DEFINER = user[@host], each part
// quoted or not, or CURRENT_USER[()].
var definer = regexp.MustCompile("(?i)\\bDEFINER\\s*=\\s*(`[^`]*`|'[^']*'|[^\\s@]+)(\\s*@\\s*(`[^`]*`|'[^']*'|\\S+))?\\s*")

// withoutDefiner drops a view's DEFINER clause, as SHOW CREATE VIEW and its
// dumps write it.
func withoutDefiner(d definition) definition {
	head := d.text[:d.obj.NameAt[0]]
	stripped := definer.ReplaceAllString(head, "")
	if stripped == head {
		return d
	}
	d.text = stripped + d.text[d.obj.NameAt[0]:]
	d.obj = sqlload.Defines(d.text)
	return d
}

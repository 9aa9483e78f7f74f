package sqlload

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/golden"
)

// splitAll returns every statement of a script.
func splitAll(r io.Reader) ([]Statement, error) {
	sp := NewSplitter(r)
	var out []Statement
	for {
		st, err := sp.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, st)
	}
}

// readers gives each input once whole and once a byte at a time, so every
// construct is also cut by the read-buffer boundary.
var readers = map[string]func(string) io.Reader{
	"whole":   func(s string) io.Reader { return strings.NewReader(s) },
	"onebyte": func(s string) io.Reader { return iotest.OneByteReader(strings.NewReader(s)) },
	"halves":  func(s string) io.Reader { return iotest.HalfReader(strings.NewReader(s)) },
}

// st builds an expected statement.
func st(line int, kind Kind, table, text string) Statement {
	return Statement{Text: text, Line: line, Kind: kind, Table: table}
}

func TestSplitter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []Statement
	}{
		{"two statements", "SELECT 1;\nSELECT 2;\n", []Statement{st(1, Other, "", "SELECT 1"), st(2, Other, "", "SELECT 2")}},
		{"missing final delimiter", "SELECT 1;\n\nSELECT 2\n  ", []Statement{st(1, Other, "", "SELECT 1"), st(3, Other, "", "SELECT 2")}},
		{"empty statements", ";;\n ; SELECT 1;;", []Statement{st(2, Other, "", "SELECT 1")}},
		{"only comments", "-- a\n# b\n/* c; */\n", nil},
		{"empty input", "", nil},
		{"single quotes", `INSERT INTO t VALUES ('a;b', 'it\'s', 'O''Brien', 'back\\', '"');` + "\nSELECT 1",
			[]Statement{st(1, Data, "t", `INSERT INTO t VALUES ('a;b', 'it\'s', 'O''Brien', 'back\\', '"')`), st(2, Other, "", "SELECT 1")}},
		{"double quotes", `SELECT "a;b", "say \"hi\"", "x""y", "'";`,
			[]Statement{st(1, Other, "", `SELECT "a;b", "say \"hi\"", "x""y", "'"`)}},
		{"backticks", "SELECT `a;b`, `x``;y`, `'` FROM `t;`;",
			[]Statement{st(1, Other, "", "SELECT `a;b`, `x``;y`, `'` FROM `t;`")}},
		{"dash comment", "SELECT 1 -- one; two\n, 2;", []Statement{st(1, Other, "", "SELECT 1 -- one; two\n, 2")}},
		{"dash without blank is minus", "SELECT 1--1;SELECT 2", []Statement{st(1, Other, "", "SELECT 1--1"), st(1, Other, "", "SELECT 2")}},
		{"dash comment at end of input", "SELECT 1 --", []Statement{st(1, Other, "", "SELECT 1 --")}},
		{"dashes alone before the delimiter", "--;\nSELECT 1;\n/* a */ --;--", []Statement{st(2, Other, "", "SELECT 1")}},
		{"dash comment with tab", "SELECT 1 --\tx;y\n;", []Statement{st(1, Other, "", "SELECT 1 --\tx;y")}},
		{"hash comment", "SELECT 1 # a;b\n;", []Statement{st(1, Other, "", "SELECT 1 # a;b")}},
		{"block comment inside", "SELECT /* ; */ 1;", []Statement{st(1, Other, "", "SELECT /* ; */ 1")}},
		{"block comment slash star slash", "SELECT /*/ ; */ 1;", []Statement{st(1, Other, "", "SELECT /*/ ; */ 1")}},
		{"leading comments dropped", "/* a\n;b */ -- c\n# d\n  UPDATE t SET a=1;", []Statement{st(4, Data, "t", "UPDATE t SET a=1")}},
		{"versioned comment alone", "/*!40101 SET NAMES utf8mb4 */;\n", []Statement{st(1, Session, "", "/*!40101 SET NAMES utf8mb4 */")}},
		{"versioned comment keeps inner delimiter", "/*!50003 CREATE TRIGGER x BEFORE INSERT ON t FOR EACH ROW SET @a = 1; */;SELECT 1",
			[]Statement{st(1, Schema, "", "/*!50003 CREATE TRIGGER x BEFORE INSERT ON t FOR EACH ROW SET @a = 1; */"), st(1, Other, "", "SELECT 1")}},
		{"versioned comment with quotes", "/*!50003 SET @a = '*/;' */;", []Statement{st(1, Session, "", "/*!50003 SET @a = '*/;' */")}},
		{"mariadb versioned comment", "/*M!100100 SET @x = 1 */;", []Statement{st(1, Session, "", "/*M!100100 SET @x = 1 */")}},
		{"sandbox command dropped", "/*M!999999\\- enable the sandbox mode */ \n-- c\nSET @a=1;", []Statement{st(3, Session, "", "SET @a=1")}},
		{"optimizer hint", "SELECT /*+ MAX_EXECUTION_TIME(1); */ 1;", []Statement{st(1, Other, "", "SELECT /*+ MAX_EXECUTION_TIME(1); */ 1")}},
		{"delimiter procedure", "DELIMITER $$\nCREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\n  SELECT 2;\nEND$$\nDELIMITER ;\nCALL p();",
			[]Statement{st(2, Schema, "", "CREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\n  SELECT 2;\nEND"), st(8, Other, "", "CALL p()")}},
		{"delimiter lowercase, crlf", "delimiter //\r\nSELECT 1; SELECT 2//\r\ndelimiter ;\r\nSELECT 3;\r\n",
			[]Statement{st(2, Other, "", "SELECT 1; SELECT 2"), st(4, Other, "", "SELECT 3")}},
		{"delimiter double semicolon", "DELIMITER ;;\nSELECT 1; SELECT 2;;\nDELIMITER ;\n",
			[]Statement{st(2, Other, "", "SELECT 1; SELECT 2")}},
		{"delimiter prefix is plain text", "DELIMITER $$\nSELECT '$$', 1 $ 2$$", []Statement{st(2, Other, "", "SELECT '$$', 1 $ 2")}},
		{"delimiter word inside statement", "SELECT 1 AS delimiter;", []Statement{st(1, Other, "", "SELECT 1 AS delimiter")}},
		{"crlf", "SELECT 1;\r\nINSERT INTO t VALUES\r\n('a\r\nb');\r\n",
			[]Statement{st(1, Other, "", "SELECT 1"), st(2, Data, "t", "INSERT INTO t VALUES\r\n('a\r\nb')")}},
		{"line counting across strings and comments", "SELECT 'a\nb';\n/*\n\n*/\nSELECT `x\ny`;\n-- z\nSELECT 3",
			[]Statement{st(1, Other, "", "SELECT 'a\nb'"), st(6, Other, "", "SELECT `x\ny`"), st(9, Other, "", "SELECT 3")}},
		{"escaped backslash before quote", `SELECT 'a\\';SELECT 'b'`, []Statement{st(1, Other, "", `SELECT 'a\\'`), st(1, Other, "", "SELECT 'b'")}},
		{"utf8", "INSERT INTO t VALUES ('😀;日本');", []Statement{st(1, Data, "t", "INSERT INTO t VALUES ('😀;日本')")}},
		{"mysqldump lock and keys", "LOCK TABLES `t` WRITE;\n/*!40000 ALTER TABLE `t` DISABLE KEYS */;\nINSERT INTO `t` VALUES (1),(2);\nUNLOCK TABLES;",
			[]Statement{st(1, Session, "", "LOCK TABLES `t` WRITE"), st(2, Schema, "", "/*!40000 ALTER TABLE `t` DISABLE KEYS */"),
				st(3, Data, "t", "INSERT INTO `t` VALUES (1),(2)"), st(4, Session, "", "UNLOCK TABLES")}},
	}
	for _, tc := range tests {
		for rname, mk := range readers {
			t.Run(tc.name+"/"+rname, func(t *testing.T) {
				t.Parallel()
				got, err := splitAll(mk(tc.in))
				assert.NilError(t, err)
				assert.DeepEqual(t, got, tc.want)
			})
		}
	}
}

func TestSplitterErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		line int
		msg  string
	}{
		{"unterminated string", "SELECT 1;\nSELECT 'abc;\n\n", 2, "unterminated quoted string"},
		{"unterminated double", "SELECT \"a\\\"", 1, "unterminated quoted string"},
		{"backslash at end", "SELECT 'a\\", 1, "unterminated quoted string"},
		{"unterminated identifier", "SELECT 1;\n\nSELECT `a", 3, "unterminated quoted identifier"},
		{"unterminated comment in statement", "SELECT 1 /* x", 1, "unterminated comment"},
		{"unterminated leading comment", "SELECT 1;\n/* x;", 2, "unterminated comment"},
		{"unterminated versioned comment", "/*!40101 SET NAMES x ;", 1, "unterminated comment"},
		{"unterminated versioned comment with strings", "SELECT 1;\n/*!40101 SET @a = 'x',\n @b = 'y' ;", 2, "unterminated comment"},
		{"delimiter without argument", "SELECT 1;\nDELIMITER \n", 2, "DELIMITER needs a delimiter"},
		{"delimiter with backslash", "DELIMITER \\x\n", 1, "delimiter contains a backslash"},
		{"delimiter too long", "DELIMITER " + strings.Repeat("$", 40) + "\n", 1, "delimiter longer than 16 bytes"},
	}
	for _, tc := range tests {
		for rname, mk := range readers {
			t.Run(tc.name+"/"+rname, func(t *testing.T) {
				t.Parallel()
				_, err := splitAll(mk(tc.in))
				var se *SyntaxError
				assert.Assert(t, errors.As(err, &se), "got %v", err)
				assert.Check(t, errors.Is(err, ErrSyntax))
				assert.Check(t, is.Equal(se.Line, tc.line))
				assert.Check(t, is.Equal(se.Msg, tc.msg))
			})
		}
	}
}

func TestSplitterReadError(t *testing.T) {
	t.Parallel()
	boom := errors.New("disk on fire")
	r := io.MultiReader(strings.NewReader("SELECT 1; SELECT 2"), iotest.ErrReader(boom))
	sp := NewSplitter(r)
	first, err := sp.Next()
	assert.NilError(t, err)
	assert.Equal(t, first.Text, "SELECT 1")
	_, err = sp.Next()
	assert.Check(t, errors.Is(err, boom), "got %v", err)
	_, again := sp.Next()
	assert.Check(t, is.Equal(again, err), "errors are sticky")
}

func TestSplitterLargeStatement(t *testing.T) {
	t.Parallel()
	// A 50 MB multi-row INSERT, far larger than the read buffer, between
	// two small statements.
	const size = 50 << 20
	var b strings.Builder
	b.WriteString("SET @a = 1;\nINSERT INTO `big` VALUES ")
	row := "(123456,'some text; with \\' quotes -- and /* no comment */',0x00FF),"
	for b.Len() < size {
		b.WriteString(row)
	}
	b.WriteString("(0,'',NULL);\nSELECT 'end'")
	in := b.String()
	got, err := splitAll(strings.NewReader(in))
	assert.NilError(t, err)
	assert.Equal(t, len(got), 3)
	assert.Equal(t, got[1].Line, 2)
	assert.Equal(t, got[1].Table, "big")
	assert.Equal(t, len(got[1].Text), len(in)-len("SET @a = 1;\n")-len(";\nSELECT 'end'"))
	assert.Equal(t, got[2].Text, "SELECT 'end'")
}

func TestSplitterDumpGolden(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/dump.sql")
	assert.NilError(t, err)
	want := formatStatements(t, strings.NewReader(string(raw)))
	golden.Assert(t, want, "dump.golden")
	// The same statements come out whatever the reads look like.
	for name, mk := range readers {
		assert.Equal(t, formatStatements(t, mk(string(raw))), want, name)
	}
}

// formatStatements renders every statement of a script for a golden file;
// text that is not valid UTF-8 is quoted.
func formatStatements(t *testing.T, r io.Reader) string {
	t.Helper()
	got, err := splitAll(r)
	assert.NilError(t, err)
	var b strings.Builder
	for _, s := range got {
		text := s.Text
		if !utf8.ValidString(text) {
			text = strconv.Quote(text)
		}
		fmt.Fprintf(&b, "-- line %d, %s %s\n%s\n", s.Line, s.Kind, s.Table, text)
	}
	return b.String()
}

package sqlload

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
)

// FuzzSplit checks that the splitter never panics, that each statement splits again into itself
// at its offset with a short snippet, and that generated scripts split back at the right lines.
func FuzzSplit(f *testing.F) {
	for _, in := range splitterSeeds() {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkResplit(t, data)
		script, want := buildScript(data)
		got, err := splitAll(strings.NewReader(script))
		if err != nil {
			t.Fatalf("split %q: %v", script, err)
		}
		if len(got) != len(want) {
			t.Fatalf("split %q: got %d statements, want %d\ngot  %+v", script, len(got), len(want), got)
		}
		for i := range want {
			if got[i].Text != want[i].Text || got[i].Line != want[i].Line {
				t.Fatalf("split %q: statement %d is %q at line %d, want %q at line %d",
					script, i, got[i].Text, got[i].Line, want[i].Text, want[i].Line)
			}
		}
	})
}

// splitterSeeds returns the inputs of the table tests and the dump sample.
func splitterSeeds() []string {
	seeds := []string{
		"SELECT 1;\nSELECT 2", "INSERT INTO t VALUES ('a;b', 'it\\'s', 'O''Brien');", "SELECT `a;b`, \"x\"\"y\";",
		"SELECT 1 -- c;\n;# d;\n/* e; */ SELECT 2;", "/*!40101 SET NAMES utf8mb4 */;", "/*M!999999\\- sandbox */\nSET @a=1;",
		"DELIMITER $$\nCREATE PROCEDURE p() BEGIN SELECT 1; END$$\nDELIMITER ;\n", "SELECT 1;\r\nSELECT 'a\r\nb';\r\n",
		"SELECT 'unterminated", "/* open", "DELIMITER \n",
	}
	if raw, err := os.ReadFile("testdata/dump.sql"); err == nil {
		seeds = append(seeds, string(raw))
	}
	return seeds
}

// checkResplit splits arbitrary input and splits each statement again on
// its own, with the delimiter in force where it was found.
func checkResplit(t *testing.T, data []byte) {
	size := 0 // the smallest buffer, for inputs starting with an even byte
	if len(data) > 0 && data[0]%2 == 1 {
		size = readSize
	}
	sp := newSplitter(bytes.NewReader(data), size)
	prev := 0
	var prevOff int64
	for {
		st, err := sp.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Line < 1 {
				t.Fatalf("split %q: unexpected error %v", data, err)
			}
			return
		}
		// MySQL's blanks are ASCII: U+2004 and the like are text to it.
		if st.Text == "" || strings.Trim(st.Text, " \t\r\n\f\v") != st.Text || st.Line < prev {
			t.Fatalf("split %q: bad statement %+v after line %d", data, st, prev)
		}
		prev = st.Line
		// The statement lies between the end of the one before and the
		// offset, which counts every byte read up to its delimiter.
		off := sp.offset()
		if off < prevOff || off > int64(len(data)) || !bytes.Contains(data[prevOff:off], []byte(st.Text)) {
			t.Fatalf("split %q: statement %q is not within bytes %d to %d", data, st.Text, prevOff, off)
		}
		prevOff = off
		if q := snippet(st.Text); len(q) > snippetBytes+len("…") {
			t.Fatalf("split %q: snippet %q is longer than %d bytes", data, q, snippetBytes)
		}
		// The delimiter in force for st: a DELIMITER command can only come
		// before a statement, never between it and its delimiter.
		again := newSplitter(strings.NewReader(st.Text), 0)
		again.setDelimiter(sp.delim)
		one, err := again.Next()
		if err != nil || one.Text != st.Text {
			t.Fatalf("split %q: statement %q splits again into %q (%v)", data, st.Text, one.Text, err)
		}
		if _, err := again.Next(); !errors.Is(err, io.EOF) {
			t.Fatalf("split %q: statement %q holds more than one statement (%v)", data, st.Text, err)
		}
	}
}

// buildScript turns fuzz bytes into a script of generated statements and the
// statements the splitter must return for it.
func buildScript(data []byte) (string, []Statement) {
	g := &gen{data: data}
	delim := ";"
	var b strings.Builder
	if g.byte()%2 == 1 {
		delim = "$$"
		b.WriteString("DELIMITER $$\n")
	}
	var want []Statement
	for n := 0; g.more() && n < 20; n++ {
		text := g.statement(delim)
		line := 1 + strings.Count(b.String(), "\n")
		want = append(want, Statement{Text: text, Line: line})
		b.WriteString(text)
		b.WriteString(delim)
		b.WriteString([]string{"\n", " ", "\r\n", "\n-- between " + delim + "\n", "/* c" + delim + " */ ", delim + "\n"}[g.byte()%6])
	}
	return b.String(), want
}

// gen draws choices from fuzz bytes.
type gen struct {
	data []byte
	i    int
}

// more reports whether bytes are left.
func (g *gen) more() bool { return g.i < len(g.data) }

// byte returns the next byte, or 0 when none is left.
func (g *gen) byte() byte {
	if g.i >= len(g.data) {
		return 0
	}
	g.i++
	return g.data[g.i-1]
}

// content returns up to 8 raw bytes, any value.
func (g *gen) content() string {
	n := int(g.byte() % 8)
	var b strings.Builder
	for range n {
		b.WriteByte(g.byte())
	}
	return b.String()
}

// statement returns one statement that starts and ends with a word.
func (g *gen) statement(delim string) string {
	words := []string{"SELECT", "x", "1", "t", ",", "(", ")", "=", "-1", "/", "*", "-", "@v", "a.b", "$", "#1"}
	words[len(words)-1] = "IN" // '#' would start a comment
	if delim != ";" {
		words[len(words)-2] = ";" // a plain ';' inside a $$-delimited statement
	}
	parts := []string{"SELECT"}
	for n := int(g.byte() % 10); n > 0; n-- {
		switch k := g.byte() % 9; k {
		case 0, 1, 2:
			parts = append(parts, words[int(g.byte())%len(words)])
		case 3:
			parts = append(parts, quote(g.content(), '\'', g.byte()))
		case 4:
			parts = append(parts, quote(g.content(), '"', g.byte()))
		case 5:
			parts = append(parts, "`"+strings.ReplaceAll(g.content(), "`", "``")+"`")
		case 6:
			parts = append(parts, "/* "+without(g.content(), "*/")+"*/")
		case 7:
			line := strings.NewReplacer("\n", "", "\r", "").Replace(g.content())
			parts = append(parts, []string{"-- ", "#"}[g.byte()%2]+line+"\n")
		case 8:
			parts = append(parts, "/*!40101 x "+quote(g.content(), '\'', g.byte())+" ; */")
		}
	}
	parts = append(parts, "1")
	return strings.Join(parts, " ")
}

// without removes every sub from s, including ones the removal forms.
func without(s, sub string) string {
	for strings.Contains(s, sub) {
		s = strings.ReplaceAll(s, sub, "")
	}
	return s
}

// quote quotes s with q, escaping quotes by doubling or by backslash as
// style says, and backslashes by backslash.
func quote(s string, q, style byte) string {
	var b strings.Builder
	b.WriteByte(q)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			b.WriteString(`\\`)
		case c == q && style%2 == 0:
			b.WriteByte(q)
			b.WriteByte(q)
		case c == q:
			b.WriteByte('\\')
			b.WriteByte(q)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte(q)
	return b.String()
}

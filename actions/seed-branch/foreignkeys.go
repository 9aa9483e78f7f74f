package seedbranch

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/psflow/psflow/pkg/sqlload"
)

// sameWithForeignKeys tells, with a temporary table only, that a desired
// table with foreign keys equals have; false when it cannot (docs/design/actions-seed-branch.md).
func (c *conn) sameWithForeignKeys(ctx context.Context, d definition, i int, have string) bool {
	rest, clauses, ok := splitForeignKeys(d.text, d.obj.NameAt[1])
	if !ok {
		return false
	}
	haveLines, haveKeys := foreignKeyLines(have)
	if len(haveKeys) != len(clauses) {
		return false
	}
	for _, cl := range clauses {
		j := slices.IndexFunc(haveKeys, func(k []string) bool { return sameTokens(cl, k) })
		if j < 0 {
			return false
		}
		haveKeys = slices.Delete(haveKeys, j, j+1)
	}
	stripped := definition{obj: sqlload.Defines(rest), text: rest, file: d.file, line: d.line, at: d.at}
	if stripped.obj.Kind != "table" || stripped.obj.ForeignKeys {
		return false
	}
	scratch := fmt.Sprintf("%sn%d_", scratchPrefix, i)
	def, err := c.scratchTable(ctx, "CREATE TEMPORARY"+rename(stripped, scratch, "")[len("CREATE"):], scratch, "DROP TEMPORARY TABLE ")
	if err != nil {
		return false
	}
	def = createTable.ReplaceAllString(def, "CREATE TABLE ")
	def = strings.ReplaceAll(def, scratch, strings.ReplaceAll(d.obj.Name, "`", "``"))
	wantLines, _ := foreignKeyLines(def)
	return slices.Equal(wantLines, haveLines)
}

// foreignKeyLines splits SHOW CREATE TABLE's answer into its other lines,
// without trailing commas, and the tokens of its foreign key lines.
func foreignKeyLines(def string) (lines []string, keys [][]string) {
	for _, line := range strings.Split(def, "\n") {
		line = strings.TrimSuffix(line, ",")
		toks := tokens(line)
		if isForeignKey(toks) {
			keys = append(keys, toks)
			continue
		}
		lines = append(lines, line)
	}
	return lines, keys
}

// splitForeignKeys returns a CREATE TABLE statement without its FOREIGN KEY
// clauses, and their tokens; the column list ends at from.
func splitForeignKeys(text string, from int) (rest string, clauses [][]string, ok bool) {
	open := strings.IndexByte(text[from:], '(')
	if open < 0 {
		return "", nil, false
	}
	open += from
	var kept []string
	start, depth := open+1, 1
	for i := open + 1; i < len(text) && depth > 0; i++ {
		switch c := text[i]; {
		case c == '\'' || c == '"' || c == '`':
			end := strings.IndexByte(text[i+1:], c)
			if end < 0 {
				return "", nil, false
			}
			i += end + 1 // a doubled quote is two quoted runs in a row
		case c == '(':
			depth++
		case c == ')' || (c == ',' && depth == 1):
			if c == ')' {
				if depth--; depth > 0 {
					continue
				}
			}
			item := text[start:i]
			toks := tokens(item)
			switch {
			case isForeignKey(toks) && toks[0] == "CONSTRAINT" && toks[1] != "FOREIGN":
				clauses = append(clauses, toks)
			case slices.Contains(toks, "REFERENCES"), isForeignKey(toks):
				return "", nil, false
			default:
				kept = append(kept, item)
			}
			if c == ')' {
				if len(clauses) == 0 {
					return "", nil, false
				}
				return text[:open+1] + strings.Join(kept, ",") + text[i:], clauses, true
			}
			start = i + 1
		case c == '-' && strings.HasPrefix(text[i:], "--"), c == '#', c == '/' && strings.HasPrefix(text[i:], "/*"):
			return "", nil, false // comments are left to the scratch table
		}
	}
	return "", nil, false
}

// isForeignKey tells whether tokens start a foreign key clause:
// [CONSTRAINT [name]] FOREIGN KEY.
func isForeignKey(toks []string) bool {
	i := 0
	if len(toks) > 0 && toks[0] == "CONSTRAINT" {
		i = 1
		if len(toks) > 1 && toks[1] != "FOREIGN" {
			i = 2
		}
	}
	return len(toks) > i+1 && toks[i] == "FOREIGN" && toks[i+1] == "KEY"
}

// tokens cuts a clause into uppercased words, quoted identifiers (prefixed
// with a backtick) and punctuation; a string literal is one token.
func tokens(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '`':
			var b strings.Builder
			j := i + 1
			for j < len(s) {
				if s[j] == '`' {
					if j+1 < len(s) && s[j+1] == '`' {
						b.WriteByte('`')
						j += 2
						continue
					}
					break
				}
				b.WriteByte(s[j])
				j++
			}
			out = append(out, "`"+b.String())
			i = j + 1
		case c == '\'' || c == '"':
			j := i + 1
			for j < len(s) && s[j] != c {
				j++
			}
			out = append(out, s[i:min(j+1, len(s))])
			i = j + 1
		case c == '_' || c == '$' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80:
			j := i
			for j < len(s) && (s[j] == '_' || s[j] == '$' || s[j] >= '0' && s[j] <= '9' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= 0x80) {
				j++
			}
			out = append(out, "\x00"+s[i:j])
			i = j
		default:
			out = append(out, s[i:i+1])
			i++
		}
	}
	// Words are kept with their case behind a NUL so that sameTokens can
	// compare them to identifiers exactly and to keywords in any case.
	for k, t := range out {
		if w, ok := strings.CutPrefix(t, "\x00"); ok && isKeyword(w) {
			out[k] = strings.ToUpper(w)
		}
	}
	return out
}

// keywords are the words a foreign key clause is made of; any other word
// is an identifier.
var keywords = map[string]bool{"CONSTRAINT": true, "FOREIGN": true, "KEY": true, "REFERENCES": true, "ON": true, "DELETE": true,
	"UPDATE": true, "CASCADE": true, "SET": true, "NULL": true, "DEFAULT": true, "RESTRICT": true, "NO": true, "ACTION": true,
	"MATCH": true, "FULL": true, "PARTIAL": true, "SIMPLE": true, "REFERENCE": true}

func isKeyword(w string) bool { return keywords[strings.ToUpper(w)] }

// sameTokens compares a clause of a file with a line of the server's:
// keywords in any case, identifiers exactly, quoted or not.
func sameTokens(file, server []string) bool {
	if len(file) != len(server) {
		return false
	}
	for k := range file {
		f, s := strings.TrimPrefix(file[k], "\x00"), strings.TrimPrefix(server[k], "\x00")
		if f != s && "`"+f != s {
			return false
		}
	}
	return true
}

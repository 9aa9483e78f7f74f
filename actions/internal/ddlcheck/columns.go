package ddlcheck

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// colType is a column's data type: its name, its arguments and whether an
// integer is unsigned.
type colType struct {
	name     string
	args     []string
	unsigned bool
}

func (t colType) String() string {
	s := t.name
	if len(t.args) > 0 {
		s += "(" + strings.Join(t.args, ",") + ")"
	}
	if t.unsigned {
		s += " unsigned"
	}
	return s
}

var typeRE = regexp.MustCompile(`(?is)^\s*([a-z]+)(\s*\(([^()]*)\))?(\s+unsigned)?`)

// parseType reads the data type at the start of a column definition.
func parseType(def string) colType {
	m := typeRE.FindStringSubmatch(def)
	if m == nil {
		return colType{}
	}
	t := colType{name: strings.ToLower(m[1]), unsigned: m[4] != ""}
	if m[2] != "" {
		for _, a := range splitTop(m[3]) {
			t.args = append(t.args, strings.TrimSpace(a))
		}
	}
	return t
}

// columnType finds a column's type in a CREATE TABLE statement.
func columnType(create, column string) (colType, bool) {
	open, end := strings.IndexByte(create, '('), strings.LastIndexByte(create, ')')
	if open < 0 || end <= open {
		return colType{}, false
	}
	for _, def := range splitTop(create[open+1 : end]) {
		name, rest := leadingIdent(def)
		if name != "" && strings.EqualFold(name, column) {
			return parseType(rest), true
		}
	}
	return colType{}, false
}

// leadingIdent splits a column definition into its name and the rest; key
// and constraint definitions have no name.
func leadingIdent(def string) (string, string) {
	def = strings.TrimSpace(def)
	if strings.HasPrefix(def, "`") {
		if end := strings.Index(def[1:], "`"); end >= 0 {
			return def[1 : end+1], def[end+2:]
		}
		return "", ""
	}
	word, rest, _ := strings.Cut(def, " ")
	switch strings.ToUpper(word) {
	case "PRIMARY", "KEY", "INDEX", "UNIQUE", "CONSTRAINT", "FOREIGN", "FULLTEXT", "SPATIAL", "CHECK":
		return "", ""
	}
	return word, rest
}

// splitTop splits s at the commas outside parentheses and quotes.
func splitTop(s string) []string {
	var (
		parts []string
		depth int
		quote rune
		start int
	)
	for i, c := range s {
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"' || c == '`':
			quote = c
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == ',' && depth == 0:
			parts = append(parts, strings.TrimSpace(s[start:i]))
			start = i + 1
		}
	}
	if rest := strings.TrimSpace(s[start:]); rest != "" {
		parts = append(parts, rest)
	}
	return parts
}

// intBits is the storage size of each integer type.
var intBits = map[string]int{"tinyint": 8, "bool": 8, "boolean": 8, "smallint": 16, "mediumint": 24, "int": 32, "integer": 32, "bigint": 64}

// textCapacity is the largest value of each text and blob type, in bytes.
var textCapacity = map[string]int64{
	"tinytext": 255, "text": 65535, "mediumtext": 16777215, "longtext": 4294967295,
	"tinyblob": 255, "blob": 65535, "mediumblob": 16777215, "longblob": 4294967295,
}

// sizedStrings take their capacity from their first argument.
var sizedStrings = []string{"char", "varchar", "binary", "varbinary"}

// temporalRank orders the temporal types that hold a date by how much of
// a point in time they keep.
var temporalRank = map[string]int{"date": 1, "timestamp": 2, "datetime": 3}

// narrows says how changing a column from old to new can lose data
// ("narrows", "changes the type of"), or "" when every old value fits.
func narrows(old, cur colType) string {
	if old.name == "" || cur.name == "" {
		return ""
	}
	switch {
	case isInt(old) && isInt(cur):
		return when(intNarrows(old, cur), "narrows")
	case isString(old) && isString(cur):
		return when(stringCapacity(cur) < stringCapacity(old), "narrows")
	case isDecimal(old) && isDecimal(cur):
		op, os := decimalDigits(old)
		cp, cs := decimalDigits(cur)
		return when(cp-cs < op-os || cs < os, "narrows")
	case (old.name == "enum" || old.name == "set") && old.name == cur.name:
		return when(slices.ContainsFunc(old.args, func(v string) bool { return !slices.Contains(cur.args, v) }), "narrows")
	case old.name == "double" && cur.name == "float":
		return "narrows"
	case temporalRank[old.name] > 0 && temporalRank[cur.name] > 0:
		return when(temporalRank[cur.name] < temporalRank[old.name] || argInt(cur, 0, 0) < argInt(old, 0, 0), "narrows")
	case old.name == cur.name:
		return ""
	case isInt(old) && isDecimal(cur):
		p, s := decimalDigits(cur)
		return when(p-s < 20, "narrows")
	}
	return "changes the type of"
}

func when(cond bool, s string) string {
	if cond {
		return s
	}
	return ""
}

func isInt(t colType) bool { return intBits[t.name] > 0 }
func isDecimal(t colType) bool {
	return slices.Contains([]string{"decimal", "numeric", "dec", "fixed"}, t.name)
}
func isString(t colType) bool {
	return textCapacity[t.name] > 0 || slices.Contains(sizedStrings, t.name)
}

// intNarrows reports whether some value of old is out of cur's range.
func intNarrows(old, cur colType) bool {
	ob, cb := intBits[old.name], intBits[cur.name]
	maxBits := func(t colType, bits int) int {
		if t.unsigned {
			return bits
		}
		return bits - 1
	}
	if maxBits(cur, cb) < maxBits(old, ob) {
		return true
	}
	return !old.unsigned && (cur.unsigned || cb < ob)
}

func stringCapacity(t colType) int64 {
	if c := textCapacity[t.name]; c > 0 {
		return c
	}
	return int64(argInt(t, 0, 1))
}

// decimalDigits is a decimal's precision and scale (MySQL's defaults 10, 0).
func decimalDigits(t colType) (int, int) {
	return argInt(t, 0, 10), argInt(t, 1, 0)
}

func argInt(t colType, i, def int) int {
	if i >= len(t.args) {
		return def
	}
	n, err := strconv.Atoi(t.args[i])
	if err != nil {
		return def
	}
	return n
}

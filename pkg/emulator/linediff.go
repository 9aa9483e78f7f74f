package emulator

import (
	"strings"

	"github.com/pmezard/go-difflib/difflib"
)

// lineDiff renders the change from old to cur line by line with "-", "+" or " ", removed before
// added where lines were replaced; a new table is all "+", a dropped one all "-".
func lineDiff(old, cur string) string {
	a, b := splitLines(old), splitLines(cur)
	// Without the junk heuristic, which in an input of 200 lines or more
	// would never anchor a match on a line that recurs often (a column
	// type, a closing parenthesis).
	m := difflib.NewMatcherWithJunk(a, b, false, nil)
	out := make([]string, 0, len(a)+len(b))
	prefix := func(p string, lines []string) {
		for _, line := range lines {
			out = append(out, p+line)
		}
	}
	for _, op := range m.GetOpCodes() {
		switch op.Tag {
		case 'e':
			prefix(" ", a[op.I1:op.I2])
		case 'd':
			prefix("-", a[op.I1:op.I2])
		case 'i':
			prefix("+", b[op.J1:op.J2])
		case 'r':
			prefix("-", a[op.I1:op.I2])
			prefix("+", b[op.J1:op.J2])
		}
	}
	return strings.Join(out, "\n")
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

package seedbranch

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// createTable matches the start of SHOW CREATE TABLE's answer for a
// temporary table or not.
var createTable = regexp.MustCompile(`^CREATE (TEMPORARY )?TABLE `)

// rename returns a definition's text with the object named name, and its
// constraint names prefixed with constraintPrefix when that is not empty.
func rename(d definition, name, constraintPrefix string) string {
	text := d.text
	spans := append([][2]int{d.obj.NameAt}, d.obj.Constraints...)
	if constraintPrefix == "" {
		spans = spans[:1]
	}
	// Replace from the end so that earlier offsets hold.
	for i := len(spans) - 1; i >= 0; i-- {
		sp := spans[i]
		repl := quoteName(name)
		if i > 0 {
			repl = quoteName(constraintPrefix + unquote(text[sp[0]:sp[1]]))
		}
		text = text[:sp[0]] + repl + text[sp[1]:]
	}
	return text
}

// unquote removes the backticks around an identifier.
func unquote(s string) string {
	if len(s) >= 2 && s[0] == '`' && s[len(s)-1] == '`' {
		return strings.ReplaceAll(s[1:len(s)-1], "``", "`")
	}
	return s
}

// normalizeTable returns a desired table's definition as the server prints
// it, by creating it under a scratch name, showing and dropping it.
func (c *conn) normalizeTable(ctx context.Context, d definition, i int) (string, error) {
	scratch := fmt.Sprintf("%sn%d_", scratchPrefix, i)
	var def string
	var err error
	if !d.obj.ForeignKeys {
		def, err = c.scratchTable(ctx, "CREATE TEMPORARY"+rename(d, scratch, "")[len("CREATE"):], scratch, "DROP TEMPORARY TABLE ")
	}
	constraints := fmt.Sprintf("%sc%d_", scratchPrefix, i)
	if d.obj.ForeignKeys || err != nil {
		def, err = c.scratchTable(ctx, rename(d, scratch, constraints), scratch, "DROP TABLE ")
	}
	if err != nil {
		return "", d.failed(err)
	}
	def = createTable.ReplaceAllString(def, "CREATE TABLE ")
	def = strings.ReplaceAll(def, "`"+constraints, "`")
	return strings.ReplaceAll(def, scratch, strings.ReplaceAll(d.obj.Name, "`", "``")), nil
}

// scratchTable creates a scratch table, shows its definition and drops
// it.
func (c *conn) scratchTable(ctx context.Context, create, scratch, drop string) (string, error) {
	if !strings.HasPrefix(strings.ToUpper(create), "CREATE") {
		return "", fmt.Errorf("not a CREATE statement")
	}
	if err := c.exec(ctx, create); err != nil {
		return "", err
	}
	def, err := c.showCreate(ctx, scratch)
	if dropErr := c.exec(ctx, drop+quoteName(scratch)); err == nil {
		err = dropErr
	}
	return def, err
}

// viewDef is a view's definition as the server keeps it.
type viewDef struct{ body, check string }

// normalizeView returns a desired view's definition as the server keeps
// it, by creating it under a scratch name.
func (c *conn) normalizeView(ctx context.Context, d definition, i int) (viewDef, error) {
	scratch := fmt.Sprintf("%sv%d_", scratchPrefix, i)
	if err := c.exec(ctx, rename(d, scratch, "")); err != nil {
		return viewDef{}, err
	}
	v, err := c.view(ctx, scratch)
	if dropErr := c.exec(ctx, "DROP VIEW IF EXISTS "+quoteName(scratch)); err == nil {
		err = dropErr
	}
	v.body = strings.ReplaceAll(v.body, scratch, strings.ToLower(d.obj.Name))
	return v, err
}

// view reads a view's definition.
func (c *conn) view(ctx context.Context, name string) (viewDef, error) {
	rows, err := c.strings(ctx, "SELECT VIEW_DEFINITION, CHECK_OPTION FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?", name)
	if err != nil {
		return viewDef{}, fmt.Errorf("read view %s: %w", name, err)
	}
	if len(rows) == 0 {
		return viewDef{}, fmt.Errorf("view %s is not in information_schema.VIEWS", name)
	}
	return viewDef{body: canonicalView(rows[0][0]), check: rows[0][1]}, nil
}

// canonicalView is a view's definition with backticks dropped, words
// lowercased and blanks collapsed outside string literals.
func canonicalView(def string) string {
	var b strings.Builder
	space := false
	for i := 0; i < len(def); i++ {
		c := def[i]
		switch {
		case c == '\'' || c == '"':
			j := i + 1
			for j < len(def) && def[j] != c {
				if def[j] == '\\' {
					j++
				}
				j++
			}
			b.WriteString(def[i:min(j+1, len(def))])
			i, space = j, false
		case c == '`':
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if !space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = true
		default:
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			b.WriteByte(c)
			space = false
		}
	}
	return strings.TrimSpace(b.String())
}

// Package ddlcheck reads a deploy request's DDL for the changes that can
// lose data: dropped tables, columns and indexes, and narrowed columns.
package ddlcheck

import (
	"cmp"
	"fmt"
	"regexp"
	"strings"

	"github.com/psflow/psflow/pkg/planetscale"
)

// BaseTable returns the CREATE TABLE statement of a table on the branch a
// deploy request goes into, or "" when it is unknown.
type BaseTable func(table string) string

// Destructive lists why a deploy request's operations can lose data: drops,
// narrowed columns (judged against base, which may be nil), PlanetScale's marks.
func Destructive(ops []planetscale.Operation, base BaseTable) []string {
	var reasons []string
	for _, op := range ops {
		found := inspect(op.DDL, base)
		if len(found) == 0 && op.CanDropData {
			found = []string{fmt.Sprintf("PlanetScale marks the %s of `%s` as able to drop data", cmp.Or(op.Name, "change"), op.Table)}
		}
		reasons = append(reasons, found...)
	}
	return reasons
}

// Statements returns the operations' DDL without trailing semicolons.
func Statements(ops []planetscale.Operation) []string {
	out := make([]string, 0, len(ops))
	for _, op := range ops {
		if ddl := strings.TrimRight(strings.TrimSpace(op.DDL), "; \n"); ddl != "" {
			out = append(out, ddl)
		}
	}
	return out
}

const ident = "(`(?:[^`]|``)+`|[A-Za-z0-9_$]+)"

var (
	dropTableRE  = regexp.MustCompile(`(?is)^\s*DROP\s+(?:TEMPORARY\s+)?TABLE\s+(?:IF\s+EXISTS\s+)?(.+?)\s*;?\s*$`)
	alterRE      = regexp.MustCompile(`(?is)^\s*ALTER\s+TABLE\s+` + ident + `\s+(.*?)\s*;?\s*$`)
	modifyRE     = regexp.MustCompile(`(?i)\b(MODIFY|CHANGE)\b`)
	dropKeyRE    = regexp.MustCompile(`(?is)^DROP\s+(?:INDEX|KEY)\s+` + ident)
	dropPKRE     = regexp.MustCompile(`(?is)^DROP\s+PRIMARY\s+KEY`)
	dropOtherRE  = regexp.MustCompile(`(?is)^DROP\s+(?:FOREIGN|CHECK|CONSTRAINT|PARTITION)\b`)
	dropColumnRE = regexp.MustCompile(`(?is)^DROP\s+(?:COLUMN\s+)?` + ident)
	modifyColRE  = regexp.MustCompile(`(?is)^MODIFY\s+(?:COLUMN\s+)?` + ident + `\s+(.+)$`)
	changeColRE  = regexp.MustCompile(`(?is)^CHANGE\s+(?:COLUMN\s+)?` + ident + `\s+` + ident + `\s+(.+)$`)
)

// inspect reads one DDL statement for the changes that lose data.
func inspect(stmt string, base BaseTable) []string {
	if m := dropTableRE.FindStringSubmatch(stmt); m != nil {
		var out []string
		for _, name := range splitTop(m[1]) {
			out = append(out, fmt.Sprintf("drops table `%s`", unquote(name)))
		}
		return out
	}
	m := alterRE.FindStringSubmatch(stmt)
	if m == nil {
		return nil
	}
	table := unquote(m[1])
	var out []string
	for _, opt := range splitTop(m[2]) {
		if r := inspectOption(table, opt, base); r != "" {
			out = append(out, r)
		}
	}
	return out
}

// inspectOption reads one clause of an ALTER TABLE.
func inspectOption(table, opt string, base BaseTable) string {
	switch {
	case dropPKRE.MatchString(opt):
		return fmt.Sprintf("drops the primary key of `%s`", table)
	case dropOtherRE.MatchString(opt):
		return ""
	}
	if m := dropKeyRE.FindStringSubmatch(opt); m != nil {
		return fmt.Sprintf("drops index `%s` of `%s`", unquote(m[1]), table)
	}
	if m := dropColumnRE.FindStringSubmatch(opt); m != nil {
		return fmt.Sprintf("drops column `%s`.`%s`", table, unquote(m[1]))
	}
	var col, def string
	if m := modifyColRE.FindStringSubmatch(opt); m != nil {
		col, def = unquote(m[1]), m[2]
	} else if m := changeColRE.FindStringSubmatch(opt); m != nil {
		col, def = unquote(m[1]), m[3]
	} else {
		return ""
	}
	if base == nil {
		return ""
	}
	old, ok := columnType(base(table), col)
	if !ok {
		return ""
	}
	if why := narrows(old, parseType(def)); why != "" {
		return fmt.Sprintf("%s column `%s`.`%s` from %s to %s", why, table, col, old, parseType(def))
	}
	return ""
}

// unquote removes an identifier's backticks.
func unquote(name string) string {
	name = strings.TrimSpace(name)
	if len(name) >= 2 && name[0] == '`' && name[len(name)-1] == '`' {
		return strings.ReplaceAll(name[1:len(name)-1], "``", "`")
	}
	return name
}

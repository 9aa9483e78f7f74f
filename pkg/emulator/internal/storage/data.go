package storage

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// CopyData copies the rows of every base table of from into the same table of to,
// which has the schema already (docs/design/emulator-storage.md).
func (s *Server) CopyData(ctx context.Context, from, to string) error {
	if err := checkDatabase(from); err != nil {
		return err
	}
	err := s.inDatabase(ctx, to, func(se session) error {
		tables, err := se.storedColumns(ctx, from)
		if err != nil {
			return err
		}
		triggers, err := se.triggers(ctx, to)
		if err != nil {
			return err
		}
		if err := se.dropTriggers(ctx, to); err != nil {
			return err
		}
		if err := se.copyRows(ctx, from, to, tables); err != nil {
			return err
		}
		return se.exec(ctx, triggers...)
	})
	if err != nil {
		return fmt.Errorf("copy data %s to %s: %w", from, to, err)
	}
	return nil
}

// tableColumns is a base table with the columns that hold stored values.
type tableColumns struct {
	table string
	cols  []string
}

// storedColumns lists the base tables of from with the columns the same table in
// the connection's current database stores: all but its generated ones.
func (se session) storedColumns(ctx context.Context, from string) ([]tableColumns, error) {
	objs, err := se.objects(ctx, from)
	if err != nil {
		return nil, err
	}
	var out []tableColumns
	for _, o := range objs {
		if o.view {
			continue
		}
		stmt, err := se.showCreate(ctx, o)
		if err != nil {
			return nil, err
		}
		out = append(out, tableColumns{table: o.name, cols: nonGeneratedColumns(stmt)})
	}
	return out, nil
}

// columnLine matches a column definition line of SHOW CREATE TABLE and
// captures the column name.
var columnLine = regexp.MustCompile("^\\s+`((?:[^`]|``)+)`\\s")

// nonGeneratedColumns returns the columns but generated ones of a SHOW CREATE TABLE
// statement, in order; go-mysql-server does not mark them in information_schema.
func nonGeneratedColumns(createTable string) []string {
	var cols []string
	for _, line := range strings.Split(createTable, "\n") {
		m := columnLine.FindStringSubmatch(line)
		if m == nil || strings.Contains(strings.ToUpper(line), " GENERATED ALWAYS AS ") {
			continue
		}
		cols = append(cols, strings.ReplaceAll(m[1], "``", "`"))
	}
	return cols
}

// dropTriggers drops every trigger of db.
func (se session) dropTriggers(ctx context.Context, db string) error {
	names, err := se.triggerNames(ctx, db)
	if err != nil {
		return err
	}
	stmts := make([]string, len(names))
	for i, name := range names {
		stmts[i] = "DROP TRIGGER " + quote(name)
	}
	return se.exec(ctx, stmts...)
}

// copyRows runs one INSERT ... SELECT per table with foreign key checks off
// and NO_AUTO_VALUE_ON_ZERO on.
func (se session) copyRows(ctx context.Context, from, to string, tables []tableColumns) error {
	stmts := []string{
		"SET FOREIGN_KEY_CHECKS = 0",
		"SET SESSION sql_mode = CONCAT(@@SESSION.sql_mode, ',NO_AUTO_VALUE_ON_ZERO')",
	}
	for _, t := range tables {
		if len(t.cols) == 0 {
			continue
		}
		quoted := make([]string, len(t.cols))
		for i, col := range t.cols {
			quoted[i] = quote(col)
		}
		list := strings.Join(quoted, ", ")
		stmts = append(stmts, fmt.Sprintf("INSERT INTO %s.%s (%s) SELECT %s FROM %s.%s",
			quote(to), quote(t.table), list, list, quote(from), quote(t.table)))
	}
	return se.exec(ctx, stmts...)
}

package ddl

import (
	"strings"

	"vitess.io/vitess/go/vt/schemadiff"
	"vitess.io/vitess/go/vt/sqlparser"
)

// alterIsDestructive reports whether an ALTER TABLE drops a column, an
// index or a partition, or narrows a column.
func alterIsDestructive(d *schemadiff.AlterTableEntityDiff) bool {
	alter := d.AlterTable()
	if alter == nil {
		return false
	}
	if ps := alter.PartitionSpec; ps != nil {
		switch ps.Action {
		case sqlparser.DropAction, sqlparser.TruncateAction, sqlparser.DiscardAction,
			sqlparser.ReorganizeAction, sqlparser.CoalesceAction, sqlparser.ExchangeAction:
			return true
		}
	}
	from, to := d.Entities()
	fromTable, _ := from.(*schemadiff.CreateTableEntity)
	toTable, _ := to.(*schemadiff.CreateTableEntity)
	for _, opt := range alter.AlterOptions {
		if optionIsDestructive(opt, fromTable, toTable) {
			return true
		}
	}
	return false
}

// optionIsDestructive classifies one ALTER TABLE option against the table
// before and after the change.
func optionIsDestructive(opt sqlparser.AlterOption, from, to *schemadiff.CreateTableEntity) bool {
	switch o := opt.(type) {
	case *sqlparser.DropColumn, *sqlparser.RenameColumn:
		return true
	case *sqlparser.DropKey:
		return o.Type == sqlparser.PrimaryKeyType || o.Type == sqlparser.NormalKeyType
	case *sqlparser.AlterCharset:
		return !isUTF8MB4(o.CharacterSet)
	case *sqlparser.ModifyColumn:
		return columnNarrowed(from, to, o.NewColDefinition.Name, o.NewColDefinition)
	case *sqlparser.ChangeColumn:
		return !strings.EqualFold(o.OldColumn.Name.String(), o.NewColDefinition.Name.String()) ||
			columnNarrowed(from, to, o.OldColumn.Name, o.NewColDefinition)
	}
	return false
}

// columnNarrowed reports whether redefining column name of from as def (in to)
// can lose data or reject rows; an unknown column counts as narrowed.
func columnNarrowed(from, to *schemadiff.CreateTableEntity, name sqlparser.IdentifierCI, def *sqlparser.ColumnDefinition) bool {
	if from == nil || to == nil {
		return true
	}
	old := findColumn(from.TableSpec, name)
	if old == nil {
		return true
	}
	if notNull(from.TableSpec, old) < notNull(to.TableSpec, def) {
		return true
	}
	if old.Type.Unsigned != def.Type.Unsigned {
		return true
	}
	oldCS := columnCharset(old.Type, from.GetCharset())
	newCS := columnCharset(def.Type, to.GetCharset())
	if charsetNarrowed(oldCS, newCS, old.Type, def.Type) {
		return true
	}
	return typeNarrowed(old.Type, def.Type, newCS)
}

func findColumn(spec *sqlparser.TableSpec, name sqlparser.IdentifierCI) *sqlparser.ColumnDefinition {
	for _, c := range spec.Columns {
		if c.Name.Equal(name) {
			return c
		}
	}
	return nil
}

// notNull is 1 when the column rejects NULL (declared NOT NULL or part of
// the primary key), else 0.
func notNull(spec *sqlparser.TableSpec, col *sqlparser.ColumnDefinition) int {
	if o := col.Type.Options; o != nil && o.Null != nil && !*o.Null {
		return 1
	}
	for _, idx := range spec.Indexes {
		if idx.Info.Type != sqlparser.IndexTypePrimary {
			continue
		}
		for _, ic := range idx.Columns {
			if ic.Column.Equal(col.Name) {
				return 1
			}
		}
	}
	return 0
}

func columnCharset(ct *sqlparser.ColumnType, tableCharset string) string {
	if ct.Charset.Name != "" {
		return strings.ToLower(ct.Charset.Name)
	}
	return strings.ToLower(tableCharset)
}

func isUTF8MB4(charset string) bool { return strings.EqualFold(charset, "utf8mb4") }

// charsetNarrowed reports a text column moving to a charset other than
// utf8mb4 (which can hold every character).
func charsetNarrowed(oldCS, newCS string, old, to *sqlparser.ColumnType) bool {
	if !isTextual(old.Type) || !isTextual(to.Type) || oldCS == newCS {
		return false
	}
	return !isUTF8MB4(newCS)
}

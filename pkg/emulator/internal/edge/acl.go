package edge

import (
	"strings"

	"github.com/dolthub/vitess/go/mysql"
	"github.com/dolthub/vitess/go/vt/sqlparser"
)

// access is a set of the rights of vitess' table ACLs: readers, writers and
// admins (vitess go/vt/tableacl/role.go READER, WRITER, ADMIN).
type access uint8

const (
	accessRead access = 1 << iota
	accessWrite
	accessAdmin
)

// roleAccess is what each role may do, from PlanetScale's password-roles table; an
// unknown role may do only what needs no table (docs/design/emulator-edge.md).
var roleAccess = map[string]access{
	"reader":     accessRead,
	"writer":     accessWrite,
	"readwriter": accessRead | accessWrite,
	"admin":      accessRead | accessWrite | accessAdmin,
	"":           accessRead | accessWrite | accessAdmin, // a password of no role is an admin's (create_password's default)
}

// need is one right a statement needs on one table, and the name of its
// plan as vttablet words it in a refusal.
type need struct {
	plan  string
	right access
	table string
}

// needs lists the rights stmt needs, as vttablet's BuildPermissions derives them
// (vitess .../tabletserver/planbuilder/permission.go; docs/design/emulator-edge.md).
func needs(stmt sqlparser.Statement) []need {
	var out []need
	switch n := stmt.(type) {
	case *sqlparser.Insert:
		out = append(out, need{"Insert", accessWrite, n.Table.Name.String()})
	case *sqlparser.Update:
		for _, t := range tableNames(n.TableExprs) {
			out = append(out, need{"Update", accessWrite, t})
		}
	case *sqlparser.Delete:
		for _, t := range tableNames(n.TableExprs) {
			out = append(out, need{"Delete", accessWrite, t})
		}
	case *sqlparser.Load:
		out = append(out, need{"Load", accessWrite, n.Table.Name.String()})
	case *sqlparser.DDL:
		tables := n.AffectedTables()
		if len(tables) == 0 {
			tables = sqlparser.TableNames{n.Table}
		}
		for _, t := range tables {
			out = append(out, need{"DDL", accessAdmin, t.Name.String()})
		}
		return out
	case *sqlparser.AlterTable:
		return []need{{"DDL", accessAdmin, n.Table.Name.String()}}
	case *sqlparser.DBDDL:
		return []need{{"DDL", accessAdmin, ""}}
	}
	// Common table expressions first, wherever they are: a name a WITH
	// gives is not a table (vitess go/vt/vttablet/tabletserver/
	// planbuilder/permission.go gatherCTEs).
	ctes := map[string]bool{}
	_ = sqlparser.Walk(func(node sqlparser.SQLNode) (bool, error) {
		if w, ok := node.(*sqlparser.With); ok && w != nil { // an absent WITH is walked as a typed nil
			for _, c := range w.Ctes {
				ctes[strings.ToLower(c.As.String())] = true
			}
		}
		return true, nil
	}, stmt)
	_ = sqlparser.Walk(func(node sqlparser.SQLNode) (bool, error) {
		if sel, ok := node.(*sqlparser.Select); ok && sel != nil {
			for _, t := range tableNames(sel.From) {
				if !ctes[strings.ToLower(t)] {
					out = append(out, need{"Select", accessRead, t})
				}
			}
		}
		return true, nil
	}, stmt)
	return out
}

// tableNames are the names of the tables in exprs, joins included; a
// derived table is left to the walk, which finds its SELECT.
func tableNames(exprs sqlparser.TableExprs) []string {
	var out []string
	for _, e := range exprs {
		switch t := e.(type) {
		case *sqlparser.AliasedTableExpr:
			if t == nil {
				continue
			}
			if name, ok := t.Expr.(sqlparser.TableName); ok {
				out = append(out, name.Name.String())
			}
		case *sqlparser.JoinTableExpr:
			if t == nil {
				continue
			}
			out = append(out, tableNames(sqlparser.TableExprs{t.LeftExpr, t.RightExpr})...)
		case *sqlparser.ParenTableExpr:
			if t == nil {
				continue
			}
			out = append(out, tableNames(t.Exprs)...)
		}
	}
	return out
}

// authorize refuses sql with vttablet's ACL refusal when the password's role may not
// run it, and a write on a replica target (docs/design/emulator-edge.md).
func (s *session) authorize(sql string) error {
	allowed := roleAccess[s.acct.Role]
	replica := s.tabletType() == tabletReplica
	if allowed == accessRead|accessWrite|accessAdmin && !replica {
		return nil
	}
	stmt, err := sqlparser.Parse(sql)
	if err != nil {
		if replica {
			return replicaWriteByWord(sql)
		}
		return nil
	}
	if replica {
		if err := replicaWrite(stmt); err != nil {
			return err
		}
	}
	for _, n := range needs(stmt) {
		if allowed&n.right == 0 && !strings.EqualFold(n.table, "dual") {
			return s.tabletError("PermissionDenied", "%s command denied to user '%s' for table '%s' (ACL check error)", n.plan, s.acct.User, n.table)
		}
	}
	return nil
}

// errReplicaWrite is vtgate's refusal of a write to a replica (vitess VT09002, ERROR
// 1874); DDL, undocumented there, is refused alike (docs/design/emulator-edge.md).
func errReplicaWrite(kind string) error {
	return mysql.NewSQLError(1874, mysql.SSUnknownSQLState, "VT09002: %s statement with a replica target", kind)
}

// replicaWrite refuses a statement that writes.
func replicaWrite(stmt sqlparser.Statement) error {
	switch stmt.(type) {
	case *sqlparser.Insert, *sqlparser.Load:
		return errReplicaWrite("insert")
	case *sqlparser.Update:
		return errReplicaWrite("update")
	case *sqlparser.Delete:
		return errReplicaWrite("delete")
	case *sqlparser.DDL, *sqlparser.AlterTable, *sqlparser.DBDDL:
		return errReplicaWrite("ddl")
	}
	return nil
}

// replicaWriteByWord refuses, by its first word, a write the parser could
// not read.
func replicaWriteByWord(sql string) error {
	l := &lexer{sql: sql}
	t, _ := l.next()
	switch t.text {
	case "insert", "replace", "load":
		return errReplicaWrite("insert")
	case "update", "delete":
		return errReplicaWrite(t.text)
	case "create", "alter", "drop", "rename", "truncate":
		return errReplicaWrite("ddl")
	}
	return nil
}

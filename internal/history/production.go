package history

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/sqlload"
	"gotest.tools/v3/assert"
)

// autoIncrement matches the table option that differs once rows exist.
var autoIncrement = regexp.MustCompile(` AUTO_INCREMENT=\d+`)

// Open connects to a storage database of em as its admin.
func Open(t *testing.T, em *emulator.Emulator, name string) *sql.DB {
	t.Helper()
	cfg, err := mysql.ParseDSN(em.AdminDSN())
	assert.NilError(t, err)
	cfg.DBName = name
	db, err := sql.Open("mysql", cfg.FormatDSN())
	assert.NilError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// Production connects to the storage database of app's main.
func Production(t *testing.T, em *emulator.Emulator) *sql.DB {
	t.Helper()
	name, ok := em.BranchDatabase("app", "main")
	assert.Assert(t, ok)
	return Open(t, em, name)
}

// Schema returns the tables and views of a database, name → definition
// (SHOW CREATE TABLE without AUTO_INCREMENT=n; a view's definition).
func Schema(t *testing.T, db *sql.DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, row := range Query(t, db, "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()") {
		if row[1] == "VIEW" {
			def := Query(t, db, "SELECT VIEW_DEFINITION FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?", row[0])
			// go-mysql-server keeps a view's text as it was given, and a
			// deploy gives it quoted: compare views unquoted.
			out[row[0]] = "VIEW " + strings.ToLower(strings.ReplaceAll(def[0][0], "`", ""))
			continue
		}
		var name, def string
		assert.NilError(t, db.QueryRow("SHOW CREATE TABLE `"+row[0]+"`").Scan(&name, &def))
		out[row[0]] = autoIncrement.ReplaceAllString(def, "")
	}
	return out
}

// Expected builds the schema files of a tree in a fresh database of em's
// storage, tables first, and returns its schema: what production must
// hold when it holds exactly what the files define. View definitions name
// their database, so the fresh database's name is replaced by prod's.
func Expected(t *testing.T, em *emulator.Emulator, tree map[string]string, prod string) map[string]string {
	t.Helper()
	ctx := context.Background()
	name := fmt.Sprintf("psflow_expect_%d", rand.Uint32())
	assert.NilError(t, em.Storage().CreateDatabase(ctx, name))
	t.Cleanup(func() { _ = em.Storage().DropDatabase(context.Background(), name) })
	var tables, views []string
	paths := slices.Sorted(func(yield func(string) bool) {
		for p := range tree {
			if strings.HasPrefix(p, "db/schema/") && !yield(p) {
				return
			}
		}
	})
	for _, p := range paths {
		sp := sqlload.NewSplitter(strings.NewReader(tree[p]))
		for {
			st, err := sp.Next()
			if err != nil {
				break
			}
			if sqlload.Defines(st.Text).Kind == "view" {
				views = append(views, st.Text)
			} else {
				tables = append(tables, st.Text)
			}
		}
	}
	db := Open(t, em, name)
	_, err := db.Exec("SET FOREIGN_KEY_CHECKS = 0")
	assert.NilError(t, err)
	for _, stmt := range append(tables, views...) {
		_, err := db.Exec(stmt)
		assert.NilError(t, err, stmt)
	}
	out := Schema(t, db)
	for k, v := range out {
		out[k] = strings.ReplaceAll(v, name, prod)
	}
	return out
}

// Query runs a query and returns its rows as strings.
func Query(t *testing.T, db *sql.DB, query string, args ...any) [][]string {
	t.Helper()
	rows, err := db.Query(query, args...)
	assert.NilError(t, err, query)
	defer rows.Close()
	cols, err := rows.Columns()
	assert.NilError(t, err)
	var out [][]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		assert.NilError(t, rows.Scan(ptrs...))
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = v.String
		}
		out = append(out, row)
	}
	assert.NilError(t, rows.Err())
	return out
}

// Branches lists app's branches.
func Branches(em *emulator.Emulator) []string {
	var out []string
	for _, d := range em.State().Databases {
		if d.Name != "app" {
			continue
		}
		for _, b := range d.Branches {
			out = append(out, b.Name)
		}
	}
	sort.Strings(out)
	return out
}

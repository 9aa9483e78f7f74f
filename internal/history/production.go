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

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/sqlload"
	"gotest.tools/v3/assert"
)

// autoIncrement matches the table option that differs once rows exist.
var autoIncrement = regexp.MustCompile(` AUTO_INCREMENT=\d+`)

// Open connects to a storage database of em as its admin.
var Open = actiontest.StorageDB

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

// Expected returns the schema a tree's files give a fresh database of em's storage, tables
// first, with the database's name in views replaced by prod.
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
var Query = actiontest.Query

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

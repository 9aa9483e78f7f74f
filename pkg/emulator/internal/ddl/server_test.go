package ddl

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	sqle "github.com/dolthub/go-mysql-server"
	"github.com/dolthub/go-mysql-server/memory"
	gsql "github.com/dolthub/go-mysql-server/sql"
	"github.com/go-sql-driver/mysql"
	"gotest.tools/v3/assert"
)

// scratchDB is one database on a test server.
type scratchDB interface {
	// exec runs statements in order and stops at the first error.
	exec(stmts ...string) error
	// schema returns SHOW CREATE TABLE / SHOW CREATE VIEW for every table and
	// view, ordered by name.
	schema(t *testing.T) []string
}

// testServer creates scratch databases holding a schema.
type testServer struct {
	flavor string
	newDB  func(t *testing.T) scratchDB
}

// load creates a scratch database and runs stmts in it.
func (s testServer) load(t *testing.T, stmts []string) scratchDB {
	t.Helper()
	db := s.newDB(t)
	assert.NilError(t, db.exec(stmts...), "%s: load schema", s.flavor)
	return db
}

// servers returns the embedded go-mysql-server and the server PSFLOW_TEST_MYSQL_DSN
// names, if set; with CI set and no DSN the test fails.
func servers(t *testing.T) []testServer {
	t.Helper()
	list := []testServer{{flavor: "gms", newDB: newGMSDB}}
	if m, ok := mariaDBServer(t); ok {
		list = append(list, m)
	}
	return list
}

func mariaDBServer(t *testing.T) (testServer, bool) {
	t.Helper()
	dsn := os.Getenv("PSFLOW_TEST_MYSQL_DSN")
	if dsn == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("PSFLOW_TEST_MYSQL_DSN is not set but CI is: a MySQL/MariaDB server is required")
		}
		t.Log("PSFLOW_TEST_MYSQL_DSN not set: MariaDB variant not run")
		return testServer{}, false
	}
	return testServer{flavor: "mariadb", newDB: func(t *testing.T) scratchDB { return newMariaDB(t, dsn) }}, true
}

// namePrefix makes every scratch database name unique to this process.
var (
	namePrefix = sync.OnceValue(func() string {
		b := make([]byte, 4)
		_, _ = rand.Read(b)
		return "ddltest_" + hex.EncodeToString(b)
	})
	nameSeq atomic.Int64
)

func scratchName() string {
	return fmt.Sprintf("%s_%d", namePrefix(), nameSeq.Add(1))
}

type mariaDB struct {
	db *sql.DB
}

func newMariaDB(t *testing.T, dsn string) scratchDB {
	t.Helper()
	cfg, err := mysql.ParseDSN(dsn)
	assert.NilError(t, err, "parse PSFLOW_TEST_MYSQL_DSN")
	admin, err := sql.Open("mysql", cfg.FormatDSN())
	assert.NilError(t, err)
	t.Cleanup(func() { _ = admin.Close() })
	name := scratchName()
	_, err = admin.Exec("CREATE DATABASE `" + name + "`")
	assert.NilError(t, err, "create scratch database")
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP DATABASE IF EXISTS `" + name + "`"); err != nil {
			t.Errorf("drop scratch database %s: %v", name, err)
		}
	})
	cfg.DBName = name
	db, err := sql.Open("mysql", cfg.FormatDSN())
	assert.NilError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return &mariaDB{db: db}
}

func (m *mariaDB) exec(stmts ...string) error {
	for _, s := range stmts {
		if _, err := m.db.Exec(s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}

func (m *mariaDB) schema(t *testing.T) []string {
	t.Helper()
	rows, err := m.db.Query("SHOW FULL TABLES")
	assert.NilError(t, err)
	var names, kinds []string
	for rows.Next() {
		var name, kind string
		assert.NilError(t, rows.Scan(&name, &kind))
		names = append(names, name)
		kinds = append(kinds, kind)
	}
	assert.NilError(t, rows.Err())
	assert.NilError(t, rows.Close())
	out := make([]string, 0, len(names))
	for i, name := range names {
		show := "SHOW CREATE TABLE `" + name + "`"
		if kinds[i] == "VIEW" {
			show = "SHOW CREATE VIEW `" + name + "`"
		}
		out = append(out, m.showCreate(t, show))
	}
	return sortedByName(out)
}

// showCreate returns the second column of a SHOW CREATE statement.
func (m *mariaDB) showCreate(t *testing.T, show string) string {
	t.Helper()
	rows, err := m.db.Query(show)
	assert.NilError(t, err, show)
	defer rows.Close()
	cols, err := rows.Columns()
	assert.NilError(t, err)
	assert.Assert(t, rows.Next(), show)
	vals := make([]sql.RawBytes, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	assert.NilError(t, rows.Scan(ptrs...))
	return string(vals[1])
}

type gmsDB struct {
	engine *sqle.Engine
	ctx    *gsql.Context
	mu     sync.Mutex
}

// gmsNewEngine serialises engine construction: sqle.New initialises
// go-mysql-server's global status variables without a lock.
var gmsNewEngine sync.Mutex

func newGMSDB(t *testing.T) scratchDB {
	t.Helper()
	name := "app"
	db := memory.NewDatabase(name)
	db.BaseDatabase.EnablePrimaryKeyIndexes()
	pro := memory.NewDBProvider(db)
	gmsNewEngine.Lock()
	engine := sqle.NewDefault(pro)
	gmsNewEngine.Unlock()
	t.Cleanup(func() { _ = engine.Close() })
	session := memory.NewSession(gsql.NewBaseSession(), pro)
	ctx := gsql.NewContext(context.Background(), gsql.WithSession(session))
	ctx.SetCurrentDatabase(name)
	return &gmsDB{engine: engine, ctx: ctx}
}

func (g *gmsDB) query(q string) ([]gsql.Row, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	_, iter, _, err := g.engine.Query(g.ctx, q)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", q, err)
	}
	rows, err := gsql.RowIterToRows(g.ctx, iter)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", q, err)
	}
	return rows, nil
}

func (g *gmsDB) exec(stmts ...string) error {
	for _, s := range stmts {
		if _, err := g.query(s); err != nil {
			return err
		}
	}
	return nil
}

func (g *gmsDB) schema(t *testing.T) []string {
	t.Helper()
	tables, err := g.query("SHOW FULL TABLES")
	assert.NilError(t, err)
	out := make([]string, 0, len(tables))
	for _, row := range tables {
		name, kind := fmt.Sprint(row[0]), fmt.Sprint(row[1])
		show := "SHOW CREATE TABLE `" + name + "`"
		if kind == "VIEW" {
			show = "SHOW CREATE VIEW `" + name + "`"
		}
		rows, err := g.query(show)
		assert.NilError(t, err)
		assert.Assert(t, len(rows) == 1, show)
		out = append(out, fmt.Sprint(rows[0][1]))
	}
	return sortedByName(out)
}

var createNameRE = regexp.MustCompile("(?i)\\b(?:TABLE|VIEW)\\s+`([^`]+)`")

// sortedByName orders CREATE statements by the name they create.
func sortedByName(stmts []string) []string {
	name := func(s string) string {
		if m := createNameRE.FindStringSubmatch(s); m != nil {
			return m[1]
		}
		return s
	}
	sort.SliceStable(stmts, func(i, j int) bool { return name(stmts[i]) < name(stmts[j]) })
	return stmts
}

// definerRE matches the account in a view's DEFINER clause, which depends on
// how the test connected.
var definerRE = regexp.MustCompile("DEFINER=`[^`]*`@`[^`]*`")

// joinStatements writes statements in the format of the testdata input
// files: each statement followed by a line holding only ";".
func joinStatements(stmts []string) string {
	var b strings.Builder
	for _, s := range stmts {
		b.WriteString(definerRE.ReplaceAllString(s, "DEFINER=`root`@`localhost`"))
		b.WriteString("\n;\n")
	}
	return b.String()
}

// splitStatements reverses joinStatements.
func splitStatements(text string) []string {
	var out []string
	for _, s := range strings.Split(text, "\n;\n") {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

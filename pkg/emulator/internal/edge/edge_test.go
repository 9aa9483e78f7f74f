package edge

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	vtmysql "github.com/dolthub/vitess/go/mysql"
	"github.com/go-sql-driver/mysql"
	"github.com/google/go-cmp/cmp"
	"github.com/psflow/psflow/pkg/emulator/internal/storage"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// directory is a Directory of fixed accounts.
type directory struct {
	mu       sync.Mutex
	accounts map[string]Account
	noDDL    bool
	refused  []string
	store    *storage.Server
}

func (d *directory) Account(user string) (Account, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	a, ok := d.accounts[user]
	return a, ok
}

func (d *directory) DirectDDL(string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return !d.noDDL
}

func (d *directory) Procedure(string, string) (string, bool, error) { return "", false, nil }

func (d *directory) SchemaChanged(string) {}

func (d *directory) Kill(ctx context.Context, id int64, query bool) error {
	return d.store.Kill(ctx, id, query)
}

func (d *directory) Refused(user, reason string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.refused = append(d.refused, user+": "+reason)
}

// testEdge is an edge over an embedded storage holding database "edge_app"
// with one admin user, "edge_admin".
func testEdge(t *testing.T) (*Server, *directory) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	store, err := storage.StartEmbedded(ctx)
	assert.NilError(t, err)
	t.Cleanup(func() { assert.Check(t, store.Close()) })
	assert.NilError(t, store.CreateDatabase(ctx, "edge_app"))
	assert.NilError(t, store.CreateUser(ctx, "edge_app", "edge_admin", "s3cret", storage.RoleAdmin))
	dir := &directory{store: store, accounts: map[string]Account{
		"edge_admin": {User: "edge_admin", Password: "s3cret", Database: "app", Storage: "edge_app"},
	}}
	srv, err := Start(Config{Listen: "127.0.0.1:0", Storage: store.Addr(), Directory: dir})
	assert.NilError(t, err)
	t.Cleanup(func() { assert.Check(t, srv.Close()) })
	return srv, dir
}

// open connects to the edge as user over TLS verified with its CA.
func open(t *testing.T, srv *Server, user, password, database string) *sql.DB {
	t.Helper()
	cfg := mysql.NewConfig()
	cfg.Net, cfg.Addr, cfg.User, cfg.Passwd, cfg.DBName = "tcp", srv.Addr(), user, password, database
	host, _, _ := net.SplitHostPort(srv.Addr())
	cfg.TLS = srv.CA().ClientConfig(host)
	connector, err := mysql.NewConnector(cfg)
	assert.NilError(t, err)
	db := sql.OpenDB(connector)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func TestEdgeRelaysToTheBranch(t *testing.T) {
	t.Parallel()
	srv, dir := testEdge(t)
	db := open(t, srv, "edge_admin", "s3cret", "app")
	_, err := db.Exec("CREATE TABLE t (id BIGINT NOT NULL PRIMARY KEY, v VARCHAR(10))")
	assert.NilError(t, err)
	res, err := db.Exec("INSERT INTO t VALUES (1, 'a'), (2, ?)", "b")
	assert.NilError(t, err)
	n, err := res.RowsAffected()
	assert.NilError(t, err)
	assert.Equal(t, n, int64(2))
	var v string
	assert.NilError(t, db.QueryRow("SELECT v FROM t WHERE id = ?", 2).Scan(&v))
	assert.Equal(t, v, "b")

	assert.ErrorContains(t, open(t, srv, "edge_admin", "wrong", "app").Ping(), "Error 1045 (28000): Access denied for user 'edge_admin'")
	assert.ErrorContains(t, open(t, srv, "nobody", "s3cret", "app").Ping(), "Error 1045 (28000)")
	assert.DeepEqual(t, dir.refused, []string{"edge_admin: wrong password", "nobody: no such password"})

	dir.mu.Lock()
	dir.noDDL = true
	dir.mu.Unlock()
	_, err = db.Exec("DROP TABLE t")
	assert.ErrorContains(t, err, "Error 1105 (HY000): direct DDL is disabled")
}

// TestEdgeRefusesNamesThatAreNotUTF8 checks a table name MySQL would
// refuse is refused, and the schema stays readable after.
func TestEdgeRefusesNamesThatAreNotUTF8(t *testing.T) {
	t.Parallel()
	srv, _ := testEdge(t)
	db := open(t, srv, "edge_admin", "s3cret", "app")
	_, err := db.Exec("CREATE TABLE `\xff\xfe` (id BIGINT NOT NULL PRIMARY KEY)")
	assert.ErrorContains(t, err, "Error 1300 (HY000): Invalid utf8mb4 character string: 'FFFE")
	var n int
	assert.NilError(t, db.QueryRow("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()").Scan(&n))
	assert.Equal(t, n, 0)
}

func TestEdgeRefusesPlaintext(t *testing.T) {
	t.Parallel()
	srv, dir := testEdge(t)
	cfg := mysql.NewConfig()
	cfg.Net, cfg.Addr, cfg.User, cfg.Passwd, cfg.DBName = "tcp", srv.Addr(), "edge_admin", "s3cret", "app"
	connector, err := mysql.NewConnector(cfg)
	assert.NilError(t, err)
	db := sql.OpenDB(connector)
	t.Cleanup(func() { _ = db.Close() })
	err = db.Ping()
	// The listener's refusal, word for word, is errInsecure as an error
	// packet writes it: one message for both refusals.
	var me *mysql.MySQLError
	assert.Assert(t, errors.As(err, &me), "%v", err)
	assert.Check(t, is.Equal(me.Number, uint16(1105)))
	assert.Check(t, is.Equal(me.Message, fmt.Sprintf("unknown error: %v", errInsecure)))
	assert.Check(t, is.Equal(me.Message, "unknown error: Code: UNAVAILABLE\n"+insecureMessage+"\n"))
	assert.Check(t, is.Len(dir.refused, 0), "no password was checked")

	_, err = tlsGuard{required: true}.HandleAuthPluginData(&vtmysql.Conn{}, "edge_admin", nil, nil, nil)
	assert.Check(t, is.ErrorIs(err, errInsecure), "the auth methods refuse plaintext too")
}

func TestEdgeCloseEndsOpenSessions(t *testing.T) {
	t.Parallel()
	srv, _ := testEdge(t)
	db := open(t, srv, "edge_admin", "s3cret", "app")
	db.SetMaxIdleConns(1)
	assert.NilError(t, db.Ping())
	assert.NilError(t, srv.Close())
	assert.Assert(t, db.Ping() != nil, "a session outlived the edge")
}

func TestStorageName(t *testing.T) {
	t.Parallel()
	acct := Account{Database: "app", Storage: "s_app"}
	for _, c := range []struct {
		name, want, tablet string
	}{
		{"app", "s_app", tabletPrimary}, {"@primary", "s_app", tabletPrimary}, {"app@primary", "s_app", tabletPrimary},
		{"", "s_app", tabletPrimary}, {"@replica", "s_app", tabletReplica}, {"app@replica", "s_app", tabletReplica},
		{"App", "", ""}, {"s_app", "", ""}, {"other", "", ""}, {"other@replica", "", ""},
	} {
		got, tablet, err := storageName(acct, c.name)
		if c.want == "" {
			assert.Check(t, is.ErrorContains(err, "VT05003: unknown database '"+c.name+"' in vschema"), c.name)
			continue
		}
		assert.Check(t, is.Equal(got, c.want), c.name)
		assert.Check(t, is.Equal(tablet, c.tablet), c.name)
	}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		sql  string
		want statement
	}{
		{"USE app", statement{kind: stmtUse}},
		{"  /* hi */ use `@primary`", statement{kind: stmtUse}},
		{"CREATE TABLE t (id INT)", statement{kind: stmtDDL}},
		{"-- note\nalter table t add column v int", statement{kind: stmtDDL}},
		{"# note\nDROP VIEW v", statement{kind: stmtDDL}},
		{"RENAME TABLE a TO b", statement{kind: stmtDDL}},
		{"TRUNCATE t", statement{kind: stmtDDL}},
		{"/*!50001 CREATE ALGORITHM=UNDEFINED */ /*!50001 VIEW v AS SELECT 1 */", statement{kind: stmtDDL}},
		{"/*M!100100 DROP TABLE t */", statement{kind: stmtDDL}},
		{"/*!40101 SET NAMES utf8mb4 */", statement{}},
		{"/* CREATE */ SELECT 'create'", statement{}},
		{"--CREATE TABLE t (id INT)", statement{}}, // "--" without a space is no comment
		{"INSERT INTO created VALUES (1)", statement{}},
		{"user_defined()", statement{}},
		{"BEGIN", statement{}},
		{"PREPARE s FROM 'CREATE TABLE t (id INT)'", statement{kind: stmtPrepare, name: "s", source: "'CREATE TABLE t (id INT)'"}},
		{"prepare `S` from @q;", statement{kind: stmtPrepare, name: "s", source: "@q"}},
		{"PREPARE s FROM CONCAT('CREATE', ' TABLE t (id INT)')", statement{kind: stmtPrepare, name: "s"}},
		{"PREPARE s FROM 'SELECT 1' 'x'", statement{kind: stmtPrepare, name: "s"}},
		{"PREPARE FROM 'x'", statement{kind: stmtOpaque}},
		{"EXECUTE S USING @a", statement{kind: stmtExecute, name: "s"}},
		{"EXECUTE IMMEDIATE 'DROP TABLE t'", statement{kind: stmtExecuteNow, source: "'DROP TABLE t'"}},
		{"EXECUTE IMMEDIATE 'INSERT INTO t VALUES (?)' USING 1", statement{kind: stmtExecuteNow}},
		{"DEALLOCATE PREPARE s", statement{kind: stmtDeallocate, name: "s"}},
		{"DROP PREPARE s", statement{kind: stmtDeallocate, name: "s"}},
		{"CALL Mk()", statement{kind: stmtCall, name: "mk"}},
		{"CALL `s_app`.mk", statement{kind: stmtCall, schema: "s_app", name: "mk"}},
		{"BEGIN NOT ATOMIC CREATE TABLE t (id INT); END", statement{kind: stmtOpaque}},
		{"IF 1 THEN DROP TABLE t; END IF", statement{kind: stmtOpaque}},
		{"outer: LOOP LEAVE outer; END LOOP", statement{kind: stmtOpaque}},
		{"SET STATEMENT max_statement_time = (SELECT 1 FOR UPDATE) FOR DROP TABLE t", statement{kind: stmtDDL}},
		{"SET STATEMENT max_statement_time = 1 FOR SELECT 1", statement{}},
		{"SET STATEMENT max_statement_time = 1", statement{kind: stmtOpaque}},
		{"SET @q = 'CREATE TABLE t (id INT)'", statement{}},
	} {
		assert.Check(t, is.DeepEqual(classify(c.sql), c.want, cmp.AllowUnexported(statement{})), c.sql)
	}
}

func TestMayChangeSchema(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]bool{
		"SELECT COUNT(*) FROM t": false,
		"BEGIN SELECT TRUNCATE(1.25, 1); INSERT INTO t VALUES (1); END": false,
		"BEGIN SELECT 'drop table t'; END":                              false,
		"CREATE TABLE t (id INT PRIMARY KEY)":                           true,
		"BEGIN INSERT INTO t VALUES (1); TRUNCATE t; END":               true,
		"BEGIN PREPARE s FROM @q; EXECUTE s; END":                       true,
		"BEGIN CALL other(); END":                                       true,
	} {
		assert.Check(t, is.Equal(mayChangeSchema(body), want), body)
	}
}

func TestAllowed(t *testing.T) {
	t.Parallel()
	tcp := func(s string) net.Addr { return net.TCPAddrFromAddrPort(netip.MustParseAddrPort(s)) }
	ten := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	for _, c := range []struct {
		cidrs  []netip.Prefix
		remote net.Addr
		want   bool
	}{
		{nil, tcp("127.0.0.1:5000"), true},
		{ten, tcp("127.0.0.1:5000"), false},
		{ten, tcp("10.1.2.3:5000"), true},
		{ten, tcp("[::ffff:10.1.2.3]:5000"), true},
		{[]netip.Prefix{netip.MustParsePrefix("::1/128")}, tcp("[::1]:5000"), true},
		{ten, nil, false},
	} {
		assert.Check(t, is.Equal(allowed(c.cidrs, c.remote), c.want), "%v from %v", c.cidrs, c.remote)
	}
}

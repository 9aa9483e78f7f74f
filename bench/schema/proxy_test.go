package main

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/psflow/psflow/bench/internal/benchkit"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

func TestTracker(t *testing.T) {
	t.Parallel()
	got := map[string]int{}
	tr := &tracker{add: func(user, kind string, _ time.Duration) { got[user+" "+kind]++ }}
	// The server's greeting is not read here; the client's handshake
	// response (sequence 1) names the user.
	response := append(make([]byte, 32), []byte("ada\x00rest")...)
	tr.packet(1, response)
	tr.packet(0, []byte("\x03select 1"))
	tr.packet(1, []byte("more of a long packet"))
	tr.packet(0, []byte("\x03  create temporary table t (id int)"))
	tr.packet(0, []byte("\x03DROP TABLE t"))
	tr.packet(0, []byte{0x16, 'x'})
	tr.packet(0, []byte{0x01})
	tr.finish()
	assert.DeepEqual(t, got, map[string]int{"ada SELECT": 1, "ada CREATE TEMPORARY": 1, "ada DROP TABLE": 1, "ada PREPARE": 1, "ada QUIT": 1})
}

func TestKinds(t *testing.T) {
	t.Parallel()
	st := userStats{}
	st.merge(&userStats{Commands: 3, Server: 100 * time.Millisecond,
		Kinds: map[string]int{"SHOW": 2, "SET": 1},
		Times: map[string]time.Duration{"SHOW": 99*time.Millisecond + 500*time.Microsecond, "SET": 500 * time.Microsecond}})
	assert.Equal(t, kinds(st), "SHOW ×2: 99 ms, other ×1: 0 ms")
}

// Statements through the proxy reach the server and are counted by user.
func TestProxyCounts(t *testing.T) {
	t.Parallel()
	dsn := benchkit.TestDSN(t)
	if dsn == "" {
		t.Skip("no MySQL server: set PSFLOW_TEST_MYSQL_DSN")
	}
	cfg, err := mysql.ParseDSN(dsn)
	assert.NilError(t, err)
	p, err := startProxy(cfg.Addr)
	assert.NilError(t, err)
	cfg.Addr = p.Addr()
	db, err := sql.Open("mysql", cfg.FormatDSN())
	assert.NilError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := db.Conn(ctx)
	assert.NilError(t, err)
	for range 3 {
		var one int
		assert.NilError(t, c.QueryRowContext(ctx, "SELECT 1").Scan(&one))
	}
	assert.NilError(t, c.Close())
	assert.NilError(t, db.Close())
	assert.NilError(t, p.Close())
	st := p.take()[cfg.User]
	assert.Assert(t, st != nil, "no statements of %s", cfg.User)
	assert.Check(t, is.Equal(st.Kinds["SELECT"], 3))
	assert.Check(t, st.Times["SELECT"] > 0)
}

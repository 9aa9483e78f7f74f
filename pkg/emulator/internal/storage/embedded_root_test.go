package storage

import (
	"database/sql"
	"errors"
	"testing"

	"github.com/go-sql-driver/mysql"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// TestEmbeddedRootHasARandomPassword checks that the embedded root takes only its
// Server's password: none, or another server's, is refused.
func TestEmbeddedRootHasARandomPassword(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	var dsns []*mysql.Config
	for range 2 {
		s, err := StartEmbedded(ctx)
		assert.NilError(t, err)
		t.Cleanup(func() { assert.Check(t, s.Close()) })
		cfg, err := mysql.ParseDSN(s.AdminDSN())
		assert.NilError(t, err)
		assert.Check(t, is.Equal(cfg.User, "root"))
		assert.Check(t, is.Len(cfg.Passwd, 64))
		dsns = append(dsns, cfg)
	}
	assert.Check(t, dsns[0].Passwd != dsns[1].Passwd, "two servers share a root password")

	login := func(cfg mysql.Config) error {
		connector, err := mysql.NewConnector(&cfg)
		assert.NilError(t, err)
		db := sql.OpenDB(connector)
		defer db.Close()
		return db.PingContext(ctx)
	}
	assert.NilError(t, login(*dsns[0]), "root with the server's password")

	noPassword := *dsns[0]
	noPassword.Passwd = ""
	err := login(noPassword)
	assert.Check(t, err != nil, "root without a password got in")
	var denied *mysql.MySQLError
	assert.Assert(t, errors.As(err, &denied), "not refused by the server: %v", err)
	assert.Check(t, is.Equal(denied.Number, uint16(1045)), "not access denied: %v", err)

	other := *dsns[0]
	other.Passwd = dsns[1].Passwd
	assert.Check(t, login(other) != nil, "root with another server's password got in")
}

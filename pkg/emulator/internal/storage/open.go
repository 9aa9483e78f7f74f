package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"regexp"
	"time"

	"github.com/dolthub/go-mysql-server/memory"
	"github.com/dolthub/go-mysql-server/server"
	gmssql "github.com/dolthub/go-mysql-server/sql"
	"github.com/go-sql-driver/mysql"
	"github.com/psflow/psflow/pkg/emulator/internal/conntrack"
)

// Open connects as admin to the server a go-sql-driver DSN names, over TCP
// (user@tcp(host:port)/) or a unix socket (user@unix(/path)/), and pings it.
func Open(ctx context.Context, dsn string) (*Server, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse mysql dsn: %w", err)
	}
	if cfg.Net != "tcp" && cfg.Net != "unix" {
		return nil, fmt.Errorf("mysql dsn: network %q: use tcp or unix", cfg.Net)
	}
	s, err := connect(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// connect opens the admin pool for cfg, pings the server and detects its
// flavor.
func connect(ctx context.Context, cfg *mysql.Config) (*Server, error) {
	cfg = cfg.Clone()
	cfg.MultiStatements = false
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("mysql connector: %w", err)
	}
	db := sql.OpenDB(connector)
	db.SetMaxIdleConns(4)
	db.SetConnMaxIdleTime(time.Minute)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("ping mysql at %s: %w", cfg.Addr, err)
	}
	var version string
	if err := db.QueryRowContext(ctx, "SELECT VERSION()").Scan(&version); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("query server version at %s: %w", cfg.Addr, err)
	}
	s := &Server{db: db, dsn: cfg.FormatDSN(), net: cfg.Net, addr: cfg.Addr, flavor: flavorMySQL}
	if mariaVersion.MatchString(version) {
		s.flavor = flavorMariaDB
	}
	db.SetMaxOpenConns(adminPool(ctx, db))
	return s, nil
}

// Bounds of the admin pool.
const (
	minAdminConns = 4
	maxAdminConns = 32
)

// adminPool sizes the admin pool at a quarter of max_connections, between 4 and 32,
// leaving the rest to branch sessions (MySQL errno 1040; docs/design/emulator-storage.md).
func adminPool(ctx context.Context, db *sql.DB) int {
	var limit int
	if err := db.QueryRowContext(ctx, "SELECT @@max_connections").Scan(&limit); err != nil || limit <= 0 {
		return maxAdminConns
	}
	return min(max(limit/4, minAdminConns), maxAdminConns)
}

var mariaVersion = regexp.MustCompile(`(?i)mariadb`)

// StartEmbedded starts an in-memory go-mysql-server on a random port of 127.0.0.1,
// whose root password only the Server holds (docs/design/emulator-storage.md).
func StartEmbedded(ctx context.Context) (*Server, error) {
	quietEmbeddedLogs()

	pro := memory.NewDBProvider()
	pro.WithOption(memory.NativeIndexProvider(true))
	password, err := rootPassword()
	if err != nil {
		return nil, err
	}
	engine := newEngine(pro, password)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for embedded mysql: %w", err)
	}
	tl := conntrack.New(ln)
	cfg := server.Config{Protocol: "tcp", Address: ln.Addr().String(), Listener: tl}
	srv, err := server.NewServer(cfg, engine, gmssql.NewContext, quietSessionBuilder(pro), nil)
	if err != nil {
		_ = ln.Close()
		return nil, fmt.Errorf("start embedded mysql: %w", err)
	}
	e := &embeddedServer{srv: srv, engine: engine, listener: tl, done: make(chan struct{})}
	go func() {
		defer close(e.done)
		_ = srv.Start()
	}()

	dsn := mysql.NewConfig()
	dsn.User = "root"
	dsn.Passwd = password
	dsn.Net = "tcp"
	dsn.Addr = ln.Addr().String()
	s, err := connect(ctx, dsn)
	if err != nil {
		return nil, errors.Join(err, e.close())
	}
	s.embedded = e
	s.flavor = flavorGMS
	return s, nil
}

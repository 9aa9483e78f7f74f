package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	sqle "github.com/dolthub/go-mysql-server"
	"github.com/dolthub/go-mysql-server/memory"
	"github.com/dolthub/go-mysql-server/server"
	gmssql "github.com/dolthub/go-mysql-server/sql"
	"github.com/dolthub/go-mysql-server/sql/analyzer"
	"github.com/dolthub/go-mysql-server/sql/mysql_db"
	vmysql "github.com/dolthub/vitess/go/mysql"
	"github.com/psflow/psflow/pkg/emulator/internal/conntrack"
	"github.com/sirupsen/logrus"
)

// embeddedServer is a go-mysql-server serving in-memory databases on a
// loopback port, with user accounts and privilege checks enabled.
type embeddedServer struct {
	srv      *server.Server
	engine   *sqle.Engine
	listener *conntrack.Listener
	done     chan struct{}

	// stmtMu serializes the statements this package sends; see
	// Server.serialize.
	stmtMu sync.Mutex

	once     sync.Once
	closeErr error
}

// shutdownTimeout bounds how long Close waits for the embedded server's
// connections to finish after they were closed.
const shutdownTimeout = 10 * time.Second

// engineMu serializes engine construction: sqle.New resets the process-wide
// status variables of go-mysql-server without synchronization.
var engineMu sync.Mutex

// newEngine builds an engine over pro with privilege checks, accounts kept in memory, and
// root@localhost's password rootPassword, not IncludeRootAccount's empty one.
func newEngine(pro *memory.DbProvider, rootPassword string) *sqle.Engine {
	engineMu.Lock()
	defer engineMu.Unlock()
	engine := sqle.New(analyzer.NewDefault(pro), &sqle.Config{})
	accounts := engine.Analyzer.Catalog.MySQLDb
	accounts.SetPersister(&mysql_db.NoopPersister{})
	ed := accounts.Editor()
	defer ed.Close()
	accounts.AddSuperUser(ed, "root", "localhost", rootPassword)
	return engine
}

// rootPassword makes the embedded server's root password: 32 random bytes,
// hex-encoded (printable, as MySQL passwords over the wire must be).
func rootPassword() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make the embedded mysql root password: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// close stops accepting connections, closes the open ones and waits until
// the server has let go of all of them.
func (e *embeddedServer) close() error {
	e.once.Do(func() {
		_ = e.srv.Close()
		if err := e.listener.Shutdown(e.done, shutdownTimeout); err != nil {
			e.closeErr = fmt.Errorf("embedded mysql: %w", err)
			return
		}
		if err := e.engine.Close(); err != nil && !errors.Is(err, context.Canceled) {
			e.closeErr = fmt.Errorf("close embedded engine: %w", err)
		}
	})
	return e.closeErr
}

var quietLogsOnce sync.Once

// quietEmbeddedLogs sends the standard logrus logger, which go-mysql-server and its
// listener use, to io.Discard at the error level, once (docs/design/emulator-storage.md).
func quietEmbeddedLogs() {
	quietLogsOnce.Do(func() {
		logrus.SetOutput(io.Discard)
		if logrus.GetLevel() > logrus.ErrorLevel {
			logrus.SetLevel(logrus.ErrorLevel)
		}
	})
}

// discardLog is a logrus entry that writes nowhere, given to every session
// of the embedded server.
var discardLog = logrus.NewEntry(&logrus.Logger{Out: io.Discard, Formatter: new(logrus.TextFormatter), Hooks: make(logrus.LevelHooks), Level: logrus.PanicLevel})

// quietSessionBuilder builds in-memory sessions that log nowhere.
func quietSessionBuilder(pro *memory.DbProvider) server.SessionBuilder {
	build := memory.NewSessionBuilder(pro)
	return func(ctx context.Context, c *vmysql.Conn, addr string) (gmssql.Session, error) {
		s, err := build(ctx, c, addr)
		if err != nil {
			return nil, err
		}
		s.SetLogger(discardLog)
		return s, nil
	}
}

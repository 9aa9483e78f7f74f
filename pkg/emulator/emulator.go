// Package emulator is a local PlanetScale API backed by real MySQL, for tests and local runs;
// docs/emulator.md shows how to use it, docs/design/emulator.md how it works.
package emulator

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/psflow/psflow/pkg/emulator/internal/edge"
	"github.com/psflow/psflow/pkg/emulator/internal/storage"
)

// Config describes an emulator.
type Config struct {
	// Org is the one organization the emulator serves.
	Org string
	// Databases are created at start, each with a production branch "main" whose safe
	// migrations are off, as on a new PlanetScale database, unless SafeMigrations names it.
	Databases []string
	// TokenID and Token are the service token requests carry.
	TokenID string
	Token   string
	// ExtraTokens are more service tokens the API accepts, each another
	// administrator (a reviewer, say).
	ExtraTokens []Token
	// SafeMigrations names the branches, of every database, that start
	// with safe migrations on; a new PlanetScale database has them off.
	SafeMigrations []string
	// RequireApproval turns on require_approval_for_deploy for every
	// database at start; a new PlanetScale database has it off.
	RequireApproval bool
	// DataBranching turns on allow_data_branching for every database at start; a new PlanetScale
	// database has it off (planetscale.com/docs/vitess/schema-changes/data-branching).
	DataBranching bool
	// MySQLDSN is an external server (go-sql-driver DSN with admin rights)
	// to keep branches on; empty starts an embedded go-mysql-server.
	MySQLDSN string
	// MySQLListen is the host:port of the MySQL edge, the address the API
	// hands out; empty is 127.0.0.1 at a free port.
	MySQLListen string
	// InsecureMySQL lets clients connect to the edge without TLS, which
	// PlanetScale refuses.
	InsecureMySQL bool
	// Sniff is how long a new edge connection has to start a TLS handshake to be served the
	// HTTP SQL API rather than MySQL; 0 is DefaultSniff, negative serves MySQL only.
	Sniff time.Duration
	// Limits are the edge's query limits (rows per query, statement and transaction timeouts);
	// the zero value is PlanetScale's, a negative field turns that limit off.
	Limits Limits
	// CAFile is where to write the edge's CA certificate (PEM); empty
	// writes it in a temporary directory removed by Close.
	CAFile string
	// TokenAccesses are the accesses of the service token TokenID; nil
	// gives it every access. ExtraTokens have every access.
	TokenAccesses []string
	// TokenDatabases limits the service token TokenID to these databases; it has no access to
	// the others (planetscale.com/docs/api/service-tokens). nil: every database.
	TokenDatabases []string
	// Timings are the durations of the asynchronous steps.
	Timings Timings
	// TimeScale multiplies every duration of Timings; 0 means 1.
	TimeScale float64
	// RateLimit is the number of requests per minute allowed per service
	// token; 0 disables the limit.
	RateLimit int
	// Logger receives one line per state change; nil discards them.
	Logger *slog.Logger
}

// Emulator is a running PlanetScale API emulator.
type Emulator struct {
	cfg     Config
	timings Timings
	log     *slog.Logger
	store   *storage.Server
	edge    *edge.Server
	caFile  string // the edge's CA certificate
	caDir   string // a temporary directory holding caFile, removed by Close
	prefix  string // random, per instance: every storage name starts with it
	handler http.Handler

	sched   *scheduler
	limiter *rateLimiter
	faults  faultSet
	reqlog  *requestLog

	tokens   map[string]string          // service token id → secret
	accesses map[string]map[string]bool // service token id → its accesses; nil: all
	tokenDBs map[string]map[string]bool // service token id → the databases it may reach; none: all

	noteMu sync.Mutex // serializes noteSchema; taken before mu, never under it
	mu     sync.Mutex
	stamp  stampClock
	org    organization
	dbs    map[string]*database
	dbSeq  int
	srv    *http.Server
	url    string
	closed bool

	closeOnce sync.Once
	closeErr  error
}

// Handler is the emulator's HTTP handler: the API under /v1 and the test
// knobs under /__emulator/.
func (e *Emulator) Handler() http.Handler { return e.handler }

// ListenAndServe listens on addr (host:port) and serves until Close.
func (e *Emulator) ListenAndServe(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	return e.Serve(l)
}

// Serve serves the API on l until Close. The API's base URL becomes
// http://<l's address>.
func (e *Emulator) Serve(l net.Listener) error {
	srv, err := e.attach(l)
	if err != nil {
		return err
	}
	if err := srv.Serve(l); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// attach makes the HTTP server for l and sets the base URL, so URL is
// right as soon as it returns.
func (e *Emulator) attach(l net.Listener) (*http.Server, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed || e.srv != nil {
		_ = l.Close()
		return nil, errors.New("emulator is closed or already serving")
	}
	e.srv = &http.Server{Handler: e.handler, ReadHeaderTimeout: 10 * time.Second}
	e.url = "http://" + l.Addr().String()
	return e.srv, nil
}

// URL is the API base URL (the server root; clients append /v1/...). It is
// empty until Serve has started.
func (e *Emulator) URL() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.url
}

// Org is the organization the emulator serves.
func (e *Emulator) Org() string { return e.cfg.Org }

// TokenID is the service token id requests must carry.
func (e *Emulator) TokenID() string { return e.cfg.TokenID }

// Token is the service token secret requests must carry.
func (e *Emulator) Token() string { return e.cfg.Token }

// AdminDSN is a go-sql-driver DSN with admin rights on the storage server.
func (e *Emulator) AdminDSN() string { return e.store.AdminDSN() }

// Storage is the MySQL storage holding the branches.
func (e *Emulator) Storage() *storage.Server { return e.store }

// Table is a table of a storage database, as Storage().Schema lists it.
type Table = storage.Table

// Timings are the effective timings (profile times the time scale).
func (e *Emulator) Timings() Timings { return e.timings }

// BranchDatabase is the storage database holding a branch, so tests can
// inspect its real schema and data.
func (e *Emulator) BranchDatabase(database, branch string) (string, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	db := e.dbs[database]
	if db == nil {
		return "", false
	}
	b := db.branches[branch]
	if b == nil {
		return "", false
	}
	return b.storageDB, true
}

// Token is a service token: its id and secret.
type Token struct {
	ID, Secret string
}

// Limits are the MySQL edge's query limits: PlanetScale's system limits, on unless
// turned off (planetscale.com/docs/reference/planetscale-system-limits).
type Limits = edge.Limits

// The defaults of Limits (PlanetScale's) and of Config.Sniff.
const (
	DefaultMaxRows       = edge.DefaultMaxRows
	DefaultDMLTimeout    = edge.DefaultDMLTimeout
	DefaultSelectTimeout = edge.DefaultSelectTimeout
	DefaultTxTimeout     = edge.DefaultTxTimeout
	DefaultSniff         = edge.DefaultSniff
)

// databasePrefix starts every storage database name of this instance.
func (e *Emulator) databasePrefix() string { return "pse" + e.prefix + "_" }

// userPrefix starts every MySQL user name of this instance.
func (e *Emulator) userPrefix() string { return "pscale_" + e.prefix + "_" }

// nextStorageName returns a new storage database name, pse<prefix>_<n>.
// The caller holds e.mu.
func (e *Emulator) nextStorageName() string {
	e.dbSeq++
	return fmt.Sprintf("%s%d", e.databasePrefix(), e.dbSeq)
}

// newUsername returns a new MySQL user name (at most 32 characters).
func (e *Emulator) newUsername() string { return e.userPrefix() + randomString(12) }

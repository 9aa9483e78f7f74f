package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/go-sql-driver/mysql"
	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/bench/internal/benchkit"
	"github.com/psflow/psflow/pkg/emulator"
)

// config holds the command's flags.
type config struct {
	dsn         string
	mb          int
	rounds      int
	parallelism int
	psflow      string
	client      string
	time        string
	work        string
	keep        bool
	loads       []string // which loads each round runs, in order
	cpuprofile  string
	loadStart   string // load average when the rounds began
}

// Tool names in results.
const (
	toolPsflow      = "psflow seed-branch"
	toolPsflowPlain = "psflow seed-branch, no TLS"
	toolClient      = "mariadb client"
	toolEmbedded    = "psflow seed-branch, embedded storage"
)

// Load names of -loads.
const (
	loadTLS      = "tls"
	loadPlain    = "plain"
	loadClient   = "client"
	loadEmbedded = "embedded"
)

// toolOf names each load's tool in results.
var toolOf = map[string]string{loadTLS: toolPsflow, loadPlain: toolPsflowPlain, loadClient: toolClient, loadEmbedded: toolEmbedded}

// bench holds what every round uses: the emulator over the server, an
// admin pool on the server and the checksums of the first load.
type bench struct {
	cfg    config
	dump   string // the rows, as mysqldump --no-create-info writes them
	schema string // the tables' CREATE statements
	stats  dumpStats
	em     *benchkit.Emulator
	sdk    *ps.Client
	admin  *sql.DB
	// emb is the emulator on the embedded storage, with its SDK client and
	// an admin pool on that storage; nil unless -loads has embedded.
	emb      *benchkit.Emulator
	embSDK   *ps.Client
	embAdmin *sql.DB
	profiled bool // the CPU profile of an embedded load was taken
	server   *mysql.Config
	prefix   string // of the client's databases
	want     map[string]string
}

// result is one timed load.
type result struct {
	round int
	tool  string
	wall  time.Duration
	rss   int64         // peak resident set of the child process, bytes
	cpu   time.Duration // user and system CPU time of the child process
}

func (r result) mbps(st dumpStats) float64   { return float64(st.Bytes) / 1e6 / r.wall.Seconds() }
func (r result) rowsps(st dumpStats) float64 { return float64(st.totalRows()) / r.wall.Seconds() }
func (r result) rssMB() float64              { return float64(r.rss) / 1e6 }

// newBench starts the emulator on the server and connects to it.
func newBench(ctx context.Context, cfg config, dump, schema string, st dumpStats) (*bench, error) {
	server, err := mysql.ParseDSN(cfg.dsn)
	if err != nil {
		return nil, fmt.Errorf("-mysql-dsn: %w", err)
	}
	admin, err := sql.Open("mysql", cfg.dsn)
	if err != nil {
		return nil, err
	}
	// The edge also takes plaintext, so that one run times psflow with and
	// without TLS; with the emulator's CA as mysql_ca, psflow uses TLS.
	em, err := benchkit.StartEmulator(ctx, emulator.Config{Databases: []string{"app"}, MySQLDSN: cfg.dsn, InsecureMySQL: true})
	if err != nil {
		admin.Close()
		return nil, fmt.Errorf("start the emulator: %w", err)
	}
	sdk, err := ps.NewClient(ps.WithBaseURL(em.URL()), ps.WithServiceToken(em.TokenID(), em.Token()))
	if err != nil {
		admin.Close()
		return nil, errors.Join(err, em.Stop())
	}
	b := &bench{cfg: cfg, dump: dump, schema: schema, stats: st, em: em, sdk: sdk, admin: admin, server: server, prefix: "psflow_bench_" + benchkit.Random(8)}
	if slices.Contains(cfg.loads, loadEmbedded) {
		if err := b.startEmbedded(ctx); err != nil {
			b.close()
			return nil, err
		}
	}
	return b, nil
}

// startEmbedded starts the second emulator, on the embedded storage.
func (b *bench) startEmbedded(ctx context.Context) error {
	em, err := benchkit.StartEmulator(ctx, emulator.Config{Databases: []string{"app"}})
	if err != nil {
		return fmt.Errorf("start the emulator on the embedded storage: %w", err)
	}
	b.emb = em
	if b.embSDK, err = ps.NewClient(ps.WithBaseURL(em.URL()), ps.WithServiceToken(em.TokenID(), em.Token())); err != nil {
		return err
	}
	b.embAdmin, err = sql.Open("mysql", em.AdminDSN())
	return err
}

// close stops the emulator, which drops its branches, and drops the
// client's databases.
func (b *bench) close() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := b.em.Stop(); err != nil {
		logf("stop the emulator: %v", err)
	}
	if b.embAdmin != nil {
		b.embAdmin.Close()
	}
	if b.emb != nil {
		if err := b.emb.Stop(); err != nil {
			logf("stop the emulator on the embedded storage: %v", err)
		}
	}
	for round := 1; round <= b.cfg.rounds; round++ {
		_, _ = b.admin.ExecContext(ctx, "DROP DATABASE IF EXISTS `"+b.clientDB(round)+"`")
	}
	b.admin.Close()
}

// clientDB names the client's database of a round.
func (b *bench) clientDB(round int) string { return fmt.Sprintf("%s_c%d", b.prefix, round) }

// logf prints a progress line on stderr.
func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, time.Now().UTC().Format("15:04:05 ")+format+"\n", args...)
}

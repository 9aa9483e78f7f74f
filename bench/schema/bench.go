package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/go-sql-driver/mysql"
	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/bench/internal/benchkit"
	"github.com/psflow/psflow/pkg/emulator"
)

// config holds the command's flags.
type config struct {
	dsn       string
	tables    int
	rounds    int
	repeat    int
	rows      int
	psflow    string
	client    string
	work      string
	keep      bool
	breakdown bool
	verbose   bool
	loadStart string // load average when the rounds began
}

// Cases, as the results name them.
const (
	caseFresh     = "first run, fresh branch"
	caseUnchanged = "nothing changed"
	caseChanged   = "one table changed"
	caseClient    = "mariadb client, 200 CREATEs into an empty database"
)

// bench holds what every round uses.
type bench struct {
	cfg    config
	set    schemaSet
	files  layout
	replay string // the schema files in one file, for the client
	em     *benchkit.Emulator
	sdk    *ps.Client
	admin  *sql.DB
	server *mysql.Config
	prefix string // of the client's databases
	alt    bool   // the changed table's file holds its other version
	want   map[string]string
}

// result is one timed run.
type result struct {
	round int
	data  bool // psflow also loaded the data file
	cas   string
	wall  time.Duration
}

// withData is the suffix of a case's name when it loaded the data file.
func withData(data bool) string {
	if data {
		return " + data"
	}
	return ""
}

// newBench starts an emulator on the server, its MySQL edge requiring
// TLS as PlanetScale's does.
func newBench(ctx context.Context, cfg config, set schemaSet, files layout, replay string) (*bench, error) {
	server, err := mysql.ParseDSN(cfg.dsn)
	if err != nil {
		return nil, fmt.Errorf("-mysql-dsn: %w", err)
	}
	admin, err := sql.Open("mysql", cfg.dsn)
	if err != nil {
		return nil, err
	}
	em, sdk, err := startEmulator(ctx, cfg.dsn)
	if err != nil {
		admin.Close()
		return nil, err
	}
	return &bench{cfg: cfg, set: set, files: files, replay: replay, em: em, sdk: sdk, admin: admin, server: server, prefix: "psflow_bench_" + benchkit.Random(8)}, nil
}

// startEmulator starts an emulator on the storage of dsn and a client of
// its API.
func startEmulator(ctx context.Context, dsn string) (*benchkit.Emulator, *ps.Client, error) {
	em, err := benchkit.StartEmulator(ctx, emulator.Config{Databases: []string{"app"}, MySQLDSN: dsn})
	if err != nil {
		return nil, nil, fmt.Errorf("start the emulator: %w", err)
	}
	sdk, err := ps.NewClient(ps.WithBaseURL(em.URL()), ps.WithServiceToken(em.TokenID(), em.Token()))
	if err != nil {
		return nil, nil, errors.Join(err, em.Stop())
	}
	return em, sdk, nil
}

// close stops the emulator, which drops its branches, and drops the
// client's databases.
func (b *bench) close() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := b.em.Stop(); err != nil {
		logf("stop the emulator: %v", err)
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

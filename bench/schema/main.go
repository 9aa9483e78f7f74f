// Command schema measures seed-branch's schema mode converging a generated 200-table schema,
// against the mariadb client replaying the same CREATE statements (docs/design/bench.md).
//
//	go run ./bench/schema [-mysql-dsn DSN] [-tables 200] [-rounds 5] [-repeat 2] [-rows 100]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/psflow/psflow/bench/internal/benchkit"
)

func main() {
	var cfg config
	flag.StringVar(&cfg.dsn, "mysql-dsn", benchkit.DefaultDSN(), "MySQL/MariaDB server, with admin rights (default $PSFLOW_TEST_MYSQL_DSN, else root on 127.0.0.1:3306)")
	flag.IntVar(&cfg.tables, "tables", 200, "tables in the generated schema")
	flag.IntVar(&cfg.rounds, "rounds", 5, "rounds, each running psflow without and with data and the client")
	flag.IntVar(&cfg.repeat, "repeat", 2, "runs where nothing changed, and runs where one table changed, per branch and round")
	flag.IntVar(&cfg.rows, "rows", 100, "rows of each of the data file's three tables")
	flag.StringVar(&cfg.psflow, "psflow", "", "psflow binary (default: build ./cmd/psflow)")
	flag.StringVar(&cfg.client, "client", "mariadb", "the command-line client to compare with")
	flag.StringVar(&cfg.work, "dir", "", "work directory for the schema files (default: a temporary one, removed at the end)")
	flag.BoolVar(&cfg.keep, "keep", false, "keep the work directory")
	flag.BoolVar(&cfg.breakdown, "breakdown", true, "after the rounds, run each case once more through a proxy that counts the statements reaching the server")
	flag.BoolVar(&cfg.verbose, "verbose", false, "print psflow's log of every run to stderr")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := realMain(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "schema:", err)
		os.Exit(1)
	}
}

func realMain(ctx context.Context, cfg config) error {
	if cfg.tables < 10 || cfg.rounds < 1 || cfg.repeat < 1 || cfg.rows < 1 {
		return fmt.Errorf("-tables must be at least 10, and -rounds, -repeat and -rows at least 1")
	}
	work, bin, cleanup, err := benchkit.WorkDir(cfg.work, "psflow-bench-schema-", cfg.psflow, cfg.keep)
	if err != nil {
		return err
	}
	defer cleanup()
	cfg.work, cfg.psflow = work, bin
	set := generateSchema(cfg.tables)
	files, err := set.write(cfg.work, cfg.rows)
	if err != nil {
		return fmt.Errorf("write the schema: %w", err)
	}
	replay := filepath.Join(cfg.work, "replay.sql")
	if err := writeReplay(replay, files.schema, set.files); err != nil {
		return err
	}
	logf("generated %d tables (%d with foreign keys) and %d views in %s; data: %d rows; changed table: %s",
		len(set.tables), set.fkCount, len(set.views), files.schema, set.rows, set.tables[set.changed].name)

	b, err := newBench(ctx, cfg, set, files, replay)
	if err != nil {
		return err
	}
	defer b.close()
	var results []result
	b.cfg.loadStart = benchkit.LoadAverage()
	for round := 1; round <= cfg.rounds; round++ {
		steps := []func(context.Context, int) ([]result, error){
			func(ctx context.Context, round int) ([]result, error) { return b.sequence(ctx, round, false) },
			func(ctx context.Context, round int) ([]result, error) { return b.sequence(ctx, round, true) },
			func(ctx context.Context, round int) ([]result, error) {
				res, err := b.clientRound(ctx, round)
				return []result{res}, err
			},
		}
		for i := range steps {
			res, err := steps[(i+round-1)%len(steps)](ctx, round)
			if err != nil {
				return err
			}
			for _, r := range res {
				logf("round %d %s%s: %s", round, r.cas, withData(r.data), r.wall.Round(time.Millisecond))
			}
			results = append(results, res...)
		}
	}
	loadEnd := benchkit.LoadAverage()
	var traces []traced
	if cfg.breakdown {
		if traces, err = b.breakdown(ctx); err != nil {
			return fmt.Errorf("breakdown: %w", err)
		}
	}
	fmt.Print(report(ctx, b.cfg, set, results, traces, loadEnd))
	return nil
}

// writeReplay concatenates the schema files, in order, into the client's
// input, with foreign key checks off as mysqldump writes them.
func writeReplay(path, dir string, files []string) error {
	var b strings.Builder
	b.WriteString("SET FOREIGN_KEY_CHECKS = 0;\n")
	for _, f := range files {
		text, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			return err
		}
		b.Write(text)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

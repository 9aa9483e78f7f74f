// Command seed measures seed-branch against the mariadb client on a generated mysqldump-style
// dump (at least 100 MB over four tables), with and without TLS (docs/design/bench.md).
//
//	go run ./bench/seed [-mysql-dsn DSN] [-mb 110] [-rounds 3] [-parallelism 4]
//	    [-loads tls,plain,client,embedded] [-cpuprofile FILE]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/psflow/psflow/bench/internal/benchkit"
)

func main() {
	var cfg config
	flag.StringVar(&cfg.dsn, "mysql-dsn", benchkit.DefaultDSN(), "MySQL/MariaDB server, with admin rights (default $PSFLOW_TEST_MYSQL_DSN, else root on 127.0.0.1:3306)")
	flag.IntVar(&cfg.mb, "mb", 110, "size of the generated dump in MB (10^6 bytes)")
	flag.IntVar(&cfg.rounds, "rounds", 3, "rounds, each loading the dump with psflow over TLS, with psflow without TLS and with the client")
	flag.IntVar(&cfg.parallelism, "parallelism", 4, "seed-branch's parallelism input")
	flag.StringVar(&cfg.psflow, "psflow", "", "psflow binary (default: build ./cmd/psflow)")
	flag.StringVar(&cfg.client, "client", "mariadb", "the command-line client to compare with")
	flag.StringVar(&cfg.time, "time", "/usr/bin/time", "GNU time, which reports each loader's peak RSS")
	flag.StringVar(&cfg.work, "dir", "", "work directory for the dump (default: a temporary one, removed at the end)")
	flag.BoolVar(&cfg.keep, "keep", false, "keep the work directory")
	loads := flag.String("loads", "tls,plain,client", "loads of each round, comma-separated: tls, plain (psflow with and without TLS on the MySQL server), client, embedded (psflow with TLS on the embedded storage)")
	flag.StringVar(&cfg.cpuprofile, "cpuprofile", "", "write a CPU profile of this process (emulators, edge, embedded storage) during the embedded loads to this file")
	flag.Parse()
	cfg.loads = strings.Split(*loads, ",")
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := realMain(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(1)
	}
}

func realMain(ctx context.Context, cfg config) error {
	if cfg.mb < 1 || cfg.rounds < 1 {
		return fmt.Errorf("-mb and -rounds must be at least 1")
	}
	for _, l := range cfg.loads {
		if _, ok := toolOf[l]; !ok {
			return fmt.Errorf("-loads: unknown load %q", l)
		}
	}
	if cfg.cpuprofile != "" && !slices.Contains(cfg.loads, loadEmbedded) {
		return fmt.Errorf("-cpuprofile profiles the embedded loads: add embedded to -loads")
	}
	work, bin, cleanup, err := benchkit.WorkDir(cfg.work, "psflow-bench-seed-", cfg.psflow, cfg.keep)
	if err != nil {
		return err
	}
	defer cleanup()
	cfg.work, cfg.psflow = work, bin
	dump, schema := filepath.Join(cfg.work, "dump.sql"), filepath.Join(cfg.work, "schema.sql")
	start := time.Now()
	st, err := generate(dump, int64(cfg.mb)*1_000_000)
	if err == nil {
		err = writeSchema(schema)
	}
	if err != nil {
		return fmt.Errorf("generate the dump: %w", err)
	}
	logf("generated %s: %.1f MB, %d rows in %d tables, in %s", dump, float64(st.Bytes)/1e6, st.totalRows(), len(st.Rows), time.Since(start).Round(time.Millisecond))

	b, err := newBench(ctx, cfg, dump, schema, st)
	if err != nil {
		return err
	}
	defer b.close()
	var results []result
	cfg.loadStart = benchkit.LoadAverage()
	for round := 1; round <= cfg.rounds; round++ {
		loads := b.loads()
		var order []func(context.Context, int) (result, error)
		for i := range loads {
			order = append(order, loads[(i+round-1)%len(loads)])
		}
		for _, load := range order {
			res, err := load(ctx, round)
			if err != nil {
				return err
			}
			logf("round %d %s: %.2f s, %.1f MB/s, %.0f rows/s, peak RSS %.1f MB", round, res.tool, res.wall.Seconds(), res.mbps(st), res.rowsps(st), res.rssMB())
			results = append(results, res)
		}
	}
	fmt.Print(report(ctx, cfg, st, results))
	return nil
}

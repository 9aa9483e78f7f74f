package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/bench/internal/benchkit"
	"github.com/psflow/psflow/pkg/emulator"
)

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

// loads are the loads of a round, in the order -loads gives.
func (b *bench) loads() []func(context.Context, int) (result, error) {
	byName := map[string]func(context.Context, int) (result, error){
		loadTLS: b.psflowRound, loadPlain: b.psflowPlainRound, loadClient: b.clientRound, loadEmbedded: b.embeddedRound,
	}
	var out []func(context.Context, int) (result, error)
	for _, l := range b.cfg.loads {
		out = append(out, byName[l])
	}
	return out
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

// psflowRound seeds a new branch with the dump through the psflow binary,
// through the emulator's MySQL edge over TLS verified with its CA.
func (b *bench) psflowRound(ctx context.Context, round int) (result, error) {
	return b.seed(ctx, b.em, b.sdk, b.admin, round, toolPsflow, "tls", "--tls", "true", "--mysql-ca", b.em.CAFile())
}

// psflowPlainRound is psflowRound without TLS.
func (b *bench) psflowPlainRound(ctx context.Context, round int) (result, error) {
	return b.seed(ctx, b.em, b.sdk, b.admin, round, toolPsflowPlain, "plain", "--tls", "false")
}

// embeddedRound is psflowRound on the emulator whose storage is the
// embedded go-mysql-server. With -cpuprofile, the first one is profiled.
func (b *bench) embeddedRound(ctx context.Context, round int) (result, error) {
	if b.cfg.cpuprofile != "" && !b.profiled {
		b.profiled = true
		f, err := os.Create(b.cfg.cpuprofile)
		if err != nil {
			return result{}, fmt.Errorf("-cpuprofile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return result{}, fmt.Errorf("-cpuprofile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	return b.seed(ctx, b.emb, b.embSDK, b.embAdmin, round, toolEmbedded, "embedded", "--tls", "true", "--mysql-ca", b.emb.CAFile())
}

// seed runs seed-branch with args on a new branch of em named for the round and kind, and
// checks what it loaded through admin, a pool on em's storage.
func (b *bench) seed(ctx context.Context, em *benchkit.Emulator, sdk *ps.Client, admin *sql.DB, round int, tool, kind string, args ...string) (result, error) {
	branch := fmt.Sprintf("bench-%d-%s", round, kind)
	if _, err := sdk.DatabaseBranches.Create(ctx, &ps.CreateDatabaseBranchRequest{Organization: benchkit.Org, Database: "app", Name: branch, ParentBranch: "main"}); err != nil {
		return result{}, fmt.Errorf("create branch %s: %w", branch, err)
	}
	out := filepath.Join(b.cfg.work, branch+".env")
	cmd := exec.CommandContext(ctx, b.cfg.psflow, append([]string{"seed-branch", "--branch", branch, "--schema", b.schema, "--data", b.dump, "--parallelism", strconv.Itoa(b.cfg.parallelism)}, args...)...)
	cmd.Env = append(em.PsflowEnv("app", out), "PSFLOW_MYSQL_CA=")
	res, err := b.timed(cmd, round, tool)
	if err != nil {
		return res, err
	}
	outputs, err := os.ReadFile(out)
	if err != nil {
		return res, err
	}
	if want := fmt.Sprintf("PSFLOW_OUT_ROWS=%d\n", b.stats.totalRows()); !strings.Contains(string(outputs), want) {
		// go-mysql-server counts a row affected for each SET statement of
		// the dump's header and footer; the rows are counted below.
		if em != b.emb {
			return res, fmt.Errorf("psflow reported other than %s: %s", strings.TrimSpace(want), outputs)
		}
		logf("%s: psflow reported other than %s", tool, strings.TrimSpace(want))
	}
	database, ok := em.BranchDatabase("app", branch)
	if !ok {
		return res, fmt.Errorf("branch %s has no database", branch)
	}
	if err := b.check(ctx, admin, database, tool); err != nil {
		return res, err
	}
	if err := sdk.DatabaseBranches.Delete(ctx, &ps.DeleteDatabaseBranchRequest{Organization: benchkit.Org, Database: "app", Branch: branch}); err != nil {
		return res, fmt.Errorf("delete branch %s: %w", branch, err)
	}
	return res, nil
}

// clientRound pipes the schema and the dump into the client, into a
// fresh database.
func (b *bench) clientRound(ctx context.Context, round int) (result, error) {
	database := b.clientDB(round)
	if _, err := b.admin.ExecContext(ctx, "CREATE DATABASE `"+database+"`"); err != nil {
		return result{}, err
	}
	schema, err := os.Open(b.schema)
	if err != nil {
		return result{}, err
	}
	defer schema.Close()
	in, err := os.Open(b.dump)
	if err != nil {
		return result{}, err
	}
	defer in.Close()
	cmd := benchkit.ClientCommand(ctx, b.cfg.client, b.server, database, io.MultiReader(schema, in))
	res, err := b.timed(cmd, round, toolClient)
	if err != nil {
		return res, err
	}
	if err := b.check(ctx, b.admin, database, toolClient); err != nil {
		return res, err
	}
	_, err = b.admin.ExecContext(ctx, "DROP DATABASE `"+database+"`")
	return res, err
}

// clientDB names the client's database of a round.
func (b *bench) clientDB(round int) string { return fmt.Sprintf("%s_c%d", b.prefix, round) }

// timed runs a loader under GNU time (-time) for its wall time and peak RSS: Go's vfork-style
// start would give a direct child this process's high-water mark (docs/design/bench.md).
func (b *bench) timed(cmd *exec.Cmd, round int, tool string) (result, error) {
	rssFile := filepath.Join(b.cfg.work, "maxrss")
	cmd.Args = append([]string{b.cfg.time, "-q", "-f", "%M %U %S", "-o", rssFile}, cmd.Args...)
	cmd.Path = b.cfg.time
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	res := result{round: round, tool: tool, wall: time.Since(start)}
	if err != nil {
		return res, fmt.Errorf("%s: %w: %s", tool, err, benchkit.Tail(stderr.String()))
	}
	data, err := os.ReadFile(rssFile)
	if err != nil {
		return res, fmt.Errorf("%s: peak RSS: %w", tool, err)
	}
	var kb int64
	var user, sys float64
	if _, err := fmt.Sscanf(strings.TrimSpace(string(data)), "%d %f %f", &kb, &user, &sys); err != nil {
		return res, fmt.Errorf("%s: peak RSS from %s: %q: %w", tool, b.cfg.time, data, err)
	}
	res.rss = kb * 1024 // GNU time reports kilobytes
	res.cpu = time.Duration((user + sys) * float64(time.Second))
	return res, nil
}

// check compares the row count of every table of the dump in database with the dump's, and a
// hash of its rows with the first load's (no CHECKSUM TABLE in go-mysql-server).
func (b *bench) check(ctx context.Context, admin *sql.DB, database, tool string) error {
	got := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(b.stats.Rows)) {
		n, sum, err := hashRows(ctx, admin, fmt.Sprintf("`%s`.`%s`", database, name))
		if err != nil {
			return fmt.Errorf("%s: hash %s: %w", tool, name, err)
		}
		if n != b.stats.Rows[name] {
			return fmt.Errorf("%s: table %s has %d rows, the dump %d", tool, name, n, b.stats.Rows[name])
		}
		got[name] = sum
	}
	if b.want == nil {
		b.want = got
		return nil
	}
	if !maps.Equal(got, b.want) {
		return fmt.Errorf("%s: table hashes %v differ from the first load's %v", tool, got, b.want)
	}
	return nil
}

// hashRows counts table's rows and hashes them in primary-key order (the dump's first
// column): SHA-256 of each value's text, length-prefixed, NULL apart.
func hashRows(ctx context.Context, admin *sql.DB, table string) (int, string, error) {
	rows, err := admin.QueryContext(ctx, "SELECT * FROM "+table+" ORDER BY 1")
	if err != nil {
		return 0, "", err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, "", err
	}
	vals := make([]sql.RawBytes, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	h := sha256.New()
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return 0, "", err
		}
		for _, v := range vals {
			if v == nil {
				h.Write([]byte{0})
				continue
			}
			h.Write(binary.AppendUvarint([]byte{1}, uint64(len(v))))
			h.Write(v)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)[:8]), nil
}

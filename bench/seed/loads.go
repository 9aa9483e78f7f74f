package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/bench/internal/benchkit"
)

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

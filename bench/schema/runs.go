package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/bench/internal/benchkit"
)

// sequence is a fresh branch's runs: the first, then -repeat unchanged and -repeat changed
// runs, in the order laterCases gives.
func (b *bench) sequence(ctx context.Context, round int, data bool) ([]result, error) {
	kind := "s"
	if data {
		kind = "d"
	}
	branch := fmt.Sprintf("bench-%d-%s", round, kind)
	if _, err := b.sdk.DatabaseBranches.Create(ctx, &ps.CreateDatabaseBranchRequest{Organization: benchkit.Org, Database: "app", Name: branch, ParentBranch: "main"}); err != nil {
		return nil, fmt.Errorf("create branch %s: %w", branch, err)
	}
	if err := b.setAlt(false); err != nil {
		return nil, err
	}
	r := runner{b: b, em: b.em, branch: branch, data: data}
	var out []result
	res, err := r.run(ctx, round, caseFresh)
	if err != nil {
		return nil, err
	}
	out = append(out, res)
	database, _ := b.em.BranchDatabase("app", branch)
	if err := b.check(ctx, database, branch); err != nil {
		return nil, err
	}
	for _, cas := range laterCases(round, b.cfg.repeat) {
		res, err := r.run(ctx, round, cas)
		if err != nil {
			return nil, err
		}
		out = append(out, res)
	}
	if err := b.sdk.DatabaseBranches.Delete(ctx, &ps.DeleteDatabaseBranchRequest{Organization: benchkit.Org, Database: "app", Branch: branch}); err != nil {
		return nil, fmt.Errorf("delete branch %s: %w", branch, err)
	}
	return out, nil
}

// laterCases orders the runs after a branch's first: repeat of each case, alternating,
// starting with the unchanged run in odd rounds and the changed one in even rounds.
func laterCases(round, repeat int) []string {
	pair := []string{caseUnchanged, caseChanged}
	if round%2 == 0 {
		pair = []string{caseChanged, caseUnchanged}
	}
	var out []string
	for range repeat {
		out = append(out, pair...)
	}
	return out
}

// setAlt writes the changed table's file in one of its two versions.
func (b *bench) setAlt(alt bool) error {
	from := b.files.orig
	if alt {
		from = b.files.alt
	}
	text, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	b.alt = alt
	return os.WriteFile(b.files.file, text, 0o644)
}

// runner runs psflow seed-branch on one branch of an emulator.
type runner struct {
	b      *bench
	em     *benchkit.Emulator
	branch string
	data   bool
}

// run flips the changed table's file if the case asks, then times one seed-branch run over
// the edge with TLS, as a CI job runs it, and checks what it reported.
func (r runner) run(ctx context.Context, round int, cas string) (result, error) {
	b := r.b
	if cas == caseChanged {
		if err := b.setAlt(!b.alt); err != nil {
			return result{}, err
		}
	}
	args := []string{"seed-branch", "--branch", r.branch, "--schema", b.files.schema, "--tls", "true"}
	if r.data {
		args = append(args, "--data", b.files.data)
	}
	out := filepath.Join(b.cfg.work, r.branch+".env")
	_ = os.Remove(out)
	cmd := exec.CommandContext(ctx, b.cfg.psflow, args...)
	cmd.Env = r.em.PsflowEnv("app", out)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	res := result{round: round, data: r.data, cas: cas, wall: time.Since(start)}
	if err != nil {
		return res, fmt.Errorf("%s on %s: %w: %s", cas, r.branch, err, benchkit.Tail(stderr.String()))
	}
	if b.cfg.verbose {
		fmt.Fprint(os.Stderr, stderr.String())
	}
	outputs, err := os.ReadFile(out)
	if err != nil {
		return res, err
	}
	if err := b.expect(cas, r.data, parseOutputs(string(outputs))); err != nil {
		return res, fmt.Errorf("%s on %s: %w", cas, r.branch, err)
	}
	return res, nil
}

// expect checks psflow's outputs against what the case must do.
func (b *bench) expect(cas string, data bool, got map[string]string) error {
	want := map[string]string{}
	switch cas {
	case caseFresh:
		want["CHANGES"] = strconv.Itoa(len(b.set.tables) + len(b.set.views))
		want["REASON"] = fmt.Sprintf("created %d tables, created %d views", len(b.set.tables), len(b.set.views))
	case caseUnchanged:
		want["RESULT"], want["CHANGES"] = "unchanged", "0"
	case caseChanged:
		want["CHANGES"], want["REASON"] = "1", "rebuilt 1 table"
	}
	if data {
		want["ROWS"] = strconv.Itoa(b.set.rows)
	}
	for k, v := range want {
		if got[k] != v {
			return fmt.Errorf("psflow output %s is %q, not %q", k, got[k], v)
		}
	}
	return nil
}

// parseOutputs reads the one-line PSFLOW_OUT_NAME=value lines of an output
// file into NAME → value, unquoting single-quoted values as a shell does.
func parseOutputs(text string) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(text, "\n") {
		k, v, ok := strings.Cut(line, "=")
		if !ok || !strings.HasPrefix(k, "PSFLOW_OUT_") {
			continue
		}
		if len(v) >= 2 && strings.HasPrefix(v, "'") && strings.HasSuffix(v, "'") {
			v = strings.ReplaceAll(v[1:len(v)-1], `'\''`, "'")
		}
		out[strings.TrimPrefix(k, "PSFLOW_OUT_")] = v
	}
	return out
}

// clientRound replays every schema file with the client into a fresh
// database.
func (b *bench) clientRound(ctx context.Context, round int) (result, error) {
	database := b.clientDB(round)
	if _, err := b.admin.ExecContext(ctx, "CREATE DATABASE `"+database+"`"); err != nil {
		return result{}, err
	}
	in, err := os.Open(b.replay)
	if err != nil {
		return result{}, err
	}
	defer in.Close()
	cmd := benchkit.ClientCommand(ctx, b.cfg.client, b.server, database, in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err = cmd.Run()
	res := result{round: round, cas: caseClient, wall: time.Since(start)}
	if err != nil {
		return res, fmt.Errorf("%s: %w: %s", b.cfg.client, err, benchkit.Tail(stderr.String()))
	}
	if err := b.check(ctx, database, "the client's database"); err != nil {
		return res, err
	}
	_, err = b.admin.ExecContext(ctx, "DROP DATABASE `"+database+"`")
	return res, err
}

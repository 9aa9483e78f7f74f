package main

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/psflow/psflow/bench/internal/benchkit"
)

// config is what a benchmark run needs: the binaries and the storage.
type config struct {
	rounds  int
	dsn     string // external MySQL server; empty runs the embedded one
	psflow  string // psflow binary
	base    string // a baseline psflow binary, or ""
	pscale  string // pscale binary, or ""
	jq      string // jq binary, or ""
	work    string // temporary directory
	verbose bool
}

// The database and branch every flow uses: the names of the CodeBuild
// guide, whose script hard-codes them.
const (
	database = "bookings_api"
	branch   = "dev"
)

// flow is one way through the lifecycle: named steps run one after
// another.
type flow struct {
	name  string
	what  string // how it is driven, for the table
	steps []step
	skip  func(config) string // why it cannot run here, or ""
}

// step is one command (or script) of a flow. Untimed steps are the
// benchmark's own work, such as the schema change.
type step struct {
	name    string
	untimed bool
	run     func(ctx context.Context, r *run) error
}

// run is one flow's run against its own emulator.
type run struct {
	cfg    config
	em     *benchkit.Emulator
	dir    string
	number string // the deploy request number, once known
}

// stepResult is one timed step of a run.
type stepResult struct {
	name      string
	took      time.Duration
	calls     int
	endpoints []string // the calls, in order: "GET …/branches/{branch}"
}

// runResult is one run of a flow.
type runResult struct {
	steps    []stepResult
	total    time.Duration // the timed steps' sum
	calls    int           // API requests the emulator received
	limited  int           // of them answered 429
	endState string        // the deploy request's deployment state at the end
	deployed bool          // the change reached main
	err      error
}

// exec runs DDL on a branch's storage database.
func (r *run) exec(ctx context.Context, branchName, stmt string) error {
	db, ok := r.em.BranchDatabase(database, branchName)
	if !ok {
		return fmt.Errorf("branch %s does not exist", branchName)
	}
	return r.em.Storage().Exec(ctx, db, stmt)
}

// changeSchema is the pull request's schema change on the branch.
var changeSchema = step{name: "schema change (storage)", untimed: true, run: func(ctx context.Context, r *run) error {
	return r.exec(ctx, branch, benchkit.SchemaChange)
}}

// command runs a process and returns its stdout; a failure carries its
// stderr.
func command(ctx context.Context, env []string, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s %s: %w: %s", filepath.Base(name), strings.Join(args, " "), err, lastLines(stderr.String(), 5))
	}
	return stdout.Bytes(), nil
}

// lastLines keeps the last n lines of s, joined with " | ".
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], " | ")
}

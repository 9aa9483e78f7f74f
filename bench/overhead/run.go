package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/psflow/psflow/bench/internal/benchkit"
	"github.com/psflow/psflow/pkg/emulator"
)

// The database and branch every flow uses: the names of the CodeBuild
// guide, whose script hard-codes them.
const (
	database = "bookings_api"
	branch   = "dev"
)

// schemaSQL is the schema file psflow seed-branch makes the branch hold:
// production's, as the pull request's change is made after it.
const schemaSQL = benchkit.ProductionSchema + ";\n"

// seedSQL is the data psflow seed-branch loads.
const seedSQL = "INSERT INTO hotels (name, address, stars) VALUES\n" +
	"  ('Hotel California', '1967 Can Never Leave Ln, San Fancisco CA, 94016', 3.8),\n" +
	"  ('The Galt House', '140 N Fourth St, Louisville, KY 40202', 4);\n"

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

// runFlow runs a flow once against a fresh emulator with zero timings.
func runFlow(ctx context.Context, cfg config, f flow, round int) runResult {
	var res runResult
	em, err := benchkit.StartEmulator(ctx, emulator.Config{
		Databases: []string{database}, MySQLDSN: cfg.dsn, RateLimit: emulator.DefaultRateLimit,
	})
	if err != nil {
		res.err = err
		return res
	}
	defer func() { res.err = errors.Join(res.err, em.Stop()) }()
	r := &run{cfg: cfg, em: em, dir: filepath.Join(cfg.work, fmt.Sprintf("%s-%d", f.name, round))}
	if err := os.MkdirAll(filepath.Join(r.dir, "home"), 0o700); err != nil {
		res.err = err
		return res
	}
	if err := r.exec(ctx, "main", benchkit.ProductionSchema); err != nil {
		res.err = err
		return res
	}
	for _, s := range f.steps {
		before, start := len(em.Requests()), time.Now()
		err := s.run(ctx, r)
		took := time.Since(start)
		if err != nil {
			res.err = fmt.Errorf("%s: %w", s.name, err)
			return res
		}
		if !s.untimed {
			var endpoints []string
			for _, req := range em.Requests()[before:] {
				endpoints = append(endpoints, strings.TrimPrefix(req.Endpoint, "/v1/organizations/{organization}/databases/{database}"))
			}
			res.steps = append(res.steps, stepResult{name: s.name, took: took, calls: len(endpoints), endpoints: endpoints})
			res.total += took
		}
		if cfg.verbose {
			fmt.Fprintf(os.Stderr, "  %s %s: %s\n", f.name, s.name, took.Round(time.Millisecond))
			if !s.untimed {
				for _, e := range res.steps[len(res.steps)-1].endpoints {
					fmt.Fprintf(os.Stderr, "    %s\n", e)
				}
			}
		}
	}
	for _, req := range em.Requests() {
		res.calls++
		if req.Status == 429 {
			res.limited++
		}
	}
	res.endState, res.deployed, res.err = r.outcome(ctx)
	return res
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

// outcome reads the final deployment state of the run's deploy request
// and whether main got the new column.
func (r *run) outcome(ctx context.Context) (string, bool, error) {
	st := r.em.State()
	drs := st.Databases[0].DeployRequests
	if len(drs) != 1 {
		return "", false, fmt.Errorf("%d deploy requests, want 1", len(drs))
	}
	db, _ := r.em.BranchDatabase(database, "main")
	tables, err := r.em.Storage().Schema(ctx, db)
	if err != nil {
		return "", false, err
	}
	for _, t := range tables {
		if t.Name == "hotels" {
			return drs[0].DeploymentState, strings.Contains(t.SQL, "description"), nil
		}
	}
	return drs[0].DeploymentState, false, errors.New("main has no hotels table")
}

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

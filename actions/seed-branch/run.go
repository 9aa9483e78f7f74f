package seedbranch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/psflow/psflow/actions/shared"
	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/sqlload"
	"github.com/psflow/psflow/pkg/step"
)

// seeder is one run of seed-branch.
type seeder struct {
	s        *step.Step
	c        *planetscale.Client
	database string
	branch   string
	set      seedSet
}

func run(ctx context.Context, s *step.Step) error {
	files, err := resolveFiles(s.List("files"))
	if err != nil {
		return step.Usagef("input files: %w", err)
	}
	set, err := hashFiles(files)
	if err != nil {
		return step.Usagef("input files: %w", err)
	}
	if p := s.Int("parallelism"); p < 1 {
		return step.Usagef("input parallelism: %d is not a number of connections; use 1 or more", p)
	}
	c, err := shared.Client(s)
	if err != nil {
		return err
	}
	branch, err := shared.Branch(s)
	if err != nil {
		return err
	}
	sd := &seeder{s: s, c: c, database: s.String("database"), branch: branch, set: set}
	s.Logf("seeding branch %s of %s with %d files, %s (sha256 %.12s)", branch, shared.Where(s), len(set.Files), size(set.Bytes), set.Hash)

	timeout := s.Duration("timeout")
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	err = sd.seed(ctx)
	switch {
	case err == nil:
		return nil
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return step.WithCode(step.ExitTimeout, fmt.Errorf("timed out after %s seeding branch %s of %s: %w; raise the timeout input",
			timeout, branch, shared.Where(s), err))
	case ctx.Err() != nil:
		return fmt.Errorf("seeding branch %s of %s was cancelled after %s: %w", branch, shared.Where(s), s.Elapsed().Round(time.Millisecond), err)
	}
	return err
}

// seed mints the password, loads the files unless they were applied
// already, and records the run in the marker table.
func (sd *seeder) seed(ctx context.Context) error {
	s := sd.s
	parallelism := s.Int("parallelism")
	bc, err := openBranch(ctx, s, sd.c, sd.database, sd.branch, parallelism+3)
	if err != nil {
		return err
	}
	defer bc.close()
	ctl, err := newControl(ctx, bc.pool)
	if err != nil {
		return sd.wrap(err)
	}
	defer ctl.release()
	locked, err := ctl.acquire(ctx, s.Logf)
	if err != nil {
		return sd.wrap(err)
	}
	if !locked {
		s.Warnf("the server has no named locks (GET_LOCK): runs on branch %s are not serialized", sd.branch)
	}
	var rec *record // this run's row in the marker table, with once
	if s.Bool("once") {
		var skip bool
		if rec, skip, err = sd.prepare(ctx, ctl); err != nil || skip {
			return err
		}
	}

	limitMemory()
	where := "once is false: nothing is recorded in the branch"
	if rec != nil {
		where = fmt.Sprintf("run %d in %s", rec.id, markerTable)
	}
	s.Logf("loading over %d connection(s) (%s)", parallelism, where)
	res, loadErr := sqlload.Load(ctx, bc.pool, sd.set.loadFiles(), sqlload.Options{
		Parallelism: parallelism,
		Progress: func(f sqlload.FileResult) {
			s.Logf("applied %s: %d statements, %d rows, %s in %s", f.Name, f.Statements, f.Rows, size(f.Bytes), f.Duration.Round(time.Millisecond))
		},
	})
	sd.outputs(res, false)
	if loadErr != nil {
		advice := "what ran before the failure stays in the branch (once is false)"
		if rec != nil {
			sd.recordFailure(rec, res, loadErr)
			advice = "the next run first undoes what this one left"
		}
		sd.summary(res, loadErr)
		if ctx.Err() != nil {
			return loadErr // run says why the context ended
		}
		return fmt.Errorf("%w; fix it and run again: %s", sd.wrap(loadErr), advice)
	}
	if rec != nil {
		if err := rec.ctl.finish(ctx, rec.id, outcome{status: statusOK, statements: res.Statements, rows: res.Rows}); err != nil {
			return sd.wrap(err)
		}
	}
	s.Logf("branch %s seeded: %d files, %d statements, %d rows in %s (%s/s)", sd.branch, len(res.Files), res.Statements, res.Rows,
		res.Duration.Round(time.Millisecond), size(int64(float64(res.Bytes)/max(res.Duration.Seconds(), 1e-3))))
	sd.summary(res, nil)
	return nil
}

// memoryLimit is the soft limit of the Go heap while loading. The loader
// holds up to sqlload.DefaultMaxBuffered bytes of statements read ahead,
// plus the statements running; without a limit the garbage collector lets
// the heap grow to twice what is live before it collects.
const memoryLimit = 64 << 20

// limitMemory sets memoryLimit unless GOMEMLIMIT set a limit already.
func limitMemory() {
	if debug.SetMemoryLimit(-1) == math.MaxInt64 {
		debug.SetMemoryLimit(memoryLimit)
	}
}

// resetPrevious undoes what a previous run that did not succeed left.
func (sd *seeder) resetPrevious(ctx context.Context, ctl *control, prev *pastRun) error {
	s := sd.s
	how := "failed"
	if prev.Status == statusRunning {
		how = "did not finish (it was killed, or lost its connection)"
	}
	lo, before, err := ctl.leftoverOf(ctx, prev)
	if err != nil {
		return err
	}
	s.Logf("run %d of %s %s; undoing what it left before loading", prev.ID, prev.StartedAt.UTC().Format(time.RFC3339), how)
	done, err := ctl.reset(ctx, lo, before)
	for _, d := range done {
		s.Logf("  %s", d)
	}
	if err != nil {
		return fmt.Errorf("undo what run %d left: %w", prev.ID, err)
	}
	if len(lo.Kept) > 0 {
		s.Logf("  left as they were, having held rows before run %d: %s", prev.ID, list(lo.Kept, 10))
	}
	return nil
}

// record is this run's row in the marker table and the snapshot of the
// branch taken before it.
type record struct {
	ctl    *control
	id     int64
	before snapshot
}

// prepare reads the last run from the marker table and says whether this
// one has nothing to do. Otherwise it undoes what a last run that did not
// succeed left, takes the snapshot and records this run as running.
func (sd *seeder) prepare(ctx context.Context, ctl *control) (*record, bool, error) {
	prev, err := ctl.latest(ctx)
	if err != nil {
		return nil, false, sd.wrap(err)
	}
	if prev != nil && prev.Status == statusOK && prev.Hash == sd.set.Hash {
		sd.skipped(prev)
		return nil, true, nil
	}
	if prev != nil && prev.Status != statusOK {
		if err := sd.resetPrevious(ctx, ctl, prev); err != nil {
			return nil, false, sd.wrap(err)
		}
	}
	before, err := ctl.takeSnapshot(ctx)
	if err != nil {
		return nil, false, sd.wrap(fmt.Errorf("snapshot before loading: %w", err))
	}
	snap, err := json.Marshal(before)
	if err != nil {
		return nil, false, err
	}
	id, err := ctl.begin(ctx, sd.set, string(snap))
	if err != nil {
		return nil, false, sd.wrap(err)
	}
	return &record{ctl: ctl, id: id, before: before}, false, nil
}

// recordFailure marks the run failed with what it left. It uses a fresh
// context: the run's own may have ended (timeout, SIGTERM).
func (sd *seeder) recordFailure(rec *record, res sqlload.Result, loadErr error) {
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	o := outcome{status: statusFailed, statements: res.Statements, rows: res.Rows, err: loadErr.Error()}
	if now, err := rec.ctl.takeSnapshot(ctx); err == nil {
		if data, err := json.Marshal(diff(rec.before, now)); err == nil {
			o.leftover = string(data)
		}
	}
	if err := rec.ctl.finish(ctx, rec.id, o); err != nil {
		sd.s.Warnf("could not record the failure in %s: %v; the next run resets against the snapshot taken before this one", markerTable, err)
	}
}

// skipped reports a run that had nothing to do.
func (sd *seeder) skipped(prev *pastRun) {
	at := prev.StartedAt.UTC().Format(time.RFC3339)
	sd.s.Logf("branch %s already has these files (run %d of %s, sha256 %.12s); nothing to load", sd.branch, prev.ID, at, sd.set.Hash)
	sd.outputs(sqlload.Result{}, true)
	sd.s.Summary(fmt.Sprintf("### Branch `%s` already seeded\n\nThe same %d files (%s, sha256 `%.12s`) were applied by run %d of %s; nothing was loaded.\n",
		sd.branch, len(sd.set.Files), size(sd.set.Bytes), sd.set.Hash, prev.ID, at))
}

// outputs sets the step's outputs from a load's numbers.
func (sd *seeder) outputs(res sqlload.Result, skipped bool) {
	s := sd.s
	s.Output("files", strconv.Itoa(len(res.Files)))
	s.Output("statements", strconv.FormatInt(res.Statements, 10))
	s.Output("rows", strconv.FormatInt(res.Rows, 10))
	s.Output("duration_s", strconv.FormatFloat(res.Duration.Seconds(), 'f', 3, 64))
	s.Output("skipped", strconv.FormatBool(skipped))
}

// wrap adds the branch and database to an error.
func (sd *seeder) wrap(err error) error {
	return fmt.Errorf("branch %s of %s: %w", sd.branch, shared.Where(sd.s), err)
}

package seedbranch

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime/debug"
	"strconv"
	"sync"
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

// seed mints the password and brings the branch to its base plus the
// files: with once, by what the marker table says was applied (decide);
// without, by loading every file on top of what the branch holds.
func (sd *seeder) seed(ctx context.Context) error {
	s := sd.s
	parallelism := s.Int("parallelism")
	bc, err := shared.OpenBranch(ctx, s, sd.c, sd.database, sd.branch, shared.Password{
		Name: fmt.Sprintf("psflow-seed-%s-%d", sd.branch, time.Now().UnixNano()),
		TTL:  s.Duration("password_ttl"), Conns: parallelism + 3,
	})
	if err != nil {
		return err
	}
	defer bc.Close()
	ctl, err := newControl(ctx, bc.Pool)
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
	p := plan{result: resultApplied, why: "once is false: every file runs, nothing is recorded in the branch", files: sd.set.Files}
	if s.Bool("once") {
		if p, err = sd.prepare(ctx, ctl); err != nil {
			return sd.wrap(err)
		}
	} else {
		s.Logf("%s: %s", p.result, p.why)
	}
	if p.result == resultSkipped {
		sd.outputs(p, sqlload.Result{})
		sd.summary(p, sqlload.Result{}, nil)
		return nil
	}

	limitMemory()
	s.Logf("loading over %d connection(s): %d of %d files", parallelism, len(p.files), len(sd.set.Files))
	var (
		mu       sync.Mutex
		complete []string // files whose every statement committed
	)
	res, loadErr := sqlload.Load(ctx, bc.Pool, loadFiles(p.files), sqlload.Options{
		Parallelism: parallelism,
		Progress: func(f sqlload.FileResult) {
			s.Logf("applied %s: %d statements, %d rows, %s in %s", f.Name, f.Statements, f.Rows, size(f.Bytes), f.Duration.Round(time.Millisecond))
			mu.Lock()
			complete = append(complete, f.Name)
			mu.Unlock()
		},
	})
	sd.outputs(p, res)
	if s.Bool("once") {
		mu.Lock()
		defer mu.Unlock()
		if err := sd.record(ctl, complete); err != nil {
			return sd.wrap(errors.Join(loadErr, err))
		}
	}
	sd.summary(p, res, loadErr)
	if loadErr != nil {
		if ctx.Err() != nil {
			return loadErr // run says why the context ended
		}
		advice := "the next run brings the branch back to where it was before the first run, then applies every file"
		if !s.Bool("once") {
			advice = "what ran before the failure stays in the branch (once is false)"
		}
		return fmt.Errorf("%w; fix it and run again: %s", sd.wrap(loadErr), advice)
	}
	s.Logf("branch %s seeded: %d files, %d statements, %d rows in %s (%s/s)", sd.branch, len(res.Files), res.Statements, res.Rows,
		res.Duration.Round(time.Millisecond), size(int64(float64(res.Bytes)/max(res.Duration.Seconds(), 1e-3))))
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

// prepare reads the marker table, decides what the run does, and gets
// the branch ready for it: it records the base on the first run, brings
// the branch back to its base for a reset, and records the files about to
// be applied as running.
func (sd *seeder) prepare(ctx context.Context, ctl *control) (plan, error) {
	h, err := ctl.history(ctx)
	if err != nil {
		return plan{}, err
	}
	p := decide(h, sd.set.Files)
	sd.s.Logf("%s: %s", p.result, p.why)
	if h.created {
		sd.s.Logf("table %s is new on branch %s, so its deploy request creates it in production, empty. Should another request "+
			"that creates it deploy first, this one conflicts on it, and wait-and-deploy drops it from branch %s before deploying "+
			"(see the README, seed-branch)", markerTable, sd.branch, sd.branch)
	}
	switch {
	case p.first:
		base, err := ctl.takeSnapshot(ctx)
		if err != nil {
			return plan{}, fmt.Errorf("snapshot before the first run: %w", err)
		}
		if err := ctl.recordBase(ctx, base); err != nil {
			return plan{}, err
		}
	case p.result == resultReset:
		if err := sd.resetToBase(ctx, ctl, *h.base); err != nil {
			return plan{}, err
		}
	case p.result == resultSkipped:
		return p, nil
	}
	return p, ctl.begin(ctx, p.files)
}

// resetToBase brings the branch back to its base and forgets the files
// applied.
func (sd *seeder) resetToBase(ctx context.Context, ctl *control, base snapshot) error {
	now, err := ctl.takeSnapshot(ctx)
	if err != nil {
		return err
	}
	lo := diff(base, now)
	done, err := ctl.reset(ctx, lo, base)
	for _, d := range done {
		sd.s.Logf("  %s", d)
	}
	if err != nil {
		return fmt.Errorf("bring the branch back to before the first run: %w", err)
	}
	if len(lo.Kept) > 0 {
		sd.s.Logf("  kept with their rows, as they held rows before the first run: %s", list(lo.Kept, 10))
	}
	return ctl.forgetFiles(ctx)
}

// record writes how the files of this run ended into the marker table:
// the complete ones are ok, the others failed. It uses a fresh context:
// the run's own may have ended (timeout, SIGTERM).
func (sd *seeder) record(ctl *control, complete []string) error {
	ctx, cancel := context.WithTimeout(context.Background(), shared.CleanupTimeout)
	defer cancel()
	return ctl.finish(ctx, complete)
}

// outputs sets the step's outputs from the plan and a load's numbers.
func (sd *seeder) outputs(p plan, res sqlload.Result) {
	s := sd.s
	s.Output("result", p.result)
	s.Output("reason", p.why)
	s.Output("files", strconv.Itoa(len(res.Files)))
	s.Output("statements", strconv.FormatInt(res.Statements, 10))
	s.Output("rows", strconv.FormatInt(res.Rows, 10))
	s.Output("duration_s", strconv.FormatFloat(res.Duration.Seconds(), 'f', 3, 64))
	s.Output("skipped", strconv.FormatBool(p.result == resultSkipped))
}

// wrap adds the branch and database to an error.
func (sd *seeder) wrap(err error) error {
	return fmt.Errorf("branch %s of %s: %w", sd.branch, shared.Where(sd.s), err)
}

package seedbranch

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime/debug"
	"time"

	"github.com/psflow/psflow/internal/branchconn"
	"github.com/psflow/psflow/internal/scope"
	"github.com/psflow/psflow/pkg/sqlload"
	"github.com/psflow/psflow/pkg/step"
)

func run(ctx context.Context, s *step.Step) error {
	sd, err := setUp(s)
	if err != nil {
		s.Output("result", "failed")
		s.Output("reason", "failed before it changed anything")
		return err
	}
	branch := sd.branch
	timeout := s.Duration("timeout")
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	err = sd.seed(ctx)
	sd.outputs(err)
	sd.summary(err)
	switch {
	case err == nil:
		return nil
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return step.WithCode(step.ExitTimeout, fmt.Errorf("timed out after %s seeding branch %s of %s: %w; raise the timeout input",
			timeout, branch, scope.OrgDatabase(s), err))
	case ctx.Err() != nil:
		return fmt.Errorf("seeding branch %s of %s was cancelled after %s: %w", branch, scope.OrgDatabase(s), s.Elapsed().Round(time.Millisecond), err)
	}
	return err
}

// setUp reads the inputs and the files they name.
func setUp(s *step.Step) (*seeder, error) {
	src, err := readSources(s.List("schema"), s.List("migrations"), s.List("data"))
	if err != nil {
		return nil, step.Usagef("%w", err)
	}
	if p := s.Int("parallelism"); p < 1 {
		return nil, step.Usagef("input parallelism: %d is not a number of connections; use 1 or more", p)
	}
	if _, err := branchconn.MySQLCA(s, s.String(branchconn.TLSInput.Name)); err != nil {
		return nil, err
	}
	c, err := scope.Client(s)
	if err != nil {
		return nil, err
	}
	branch, err := scope.Branch(s)
	if err != nil {
		return nil, err
	}
	interval, err := heartbeatInterval(s)
	if err != nil {
		return nil, err
	}
	return &seeder{s: s, c: c, database: s.String("database"), branch: branch, src: src, interval: interval}, nil
}

// seed brings the branch onto production as it is now when production
// moved, then makes it hold the schema or migrations, then the data.
func (sd *seeder) seed(ctx context.Context) error {
	if err := sd.load(ctx); err != nil {
		return err
	}
	table, err := sd.migrationTable(ctx)
	if err != nil {
		return err
	}
	if why := sd.moved(); why != "" {
		if err := sd.recreate(ctx, why); err != nil {
			return err
		}
	}
	for {
		again, err := sd.connected(ctx, table)
		if err != nil || again == "" {
			return err
		}
		if sd.recreated != "" {
			return fmt.Errorf("branch %s of %s: %s, again after it was recreated", sd.branch, scope.OrgDatabase(sd.s), again)
		}
		if err := sd.recreate(ctx, again); err != nil {
			return err
		}
	}
}

// load reads the database and the branch, and refuses a production
// branch.
func (sd *seeder) load(ctx context.Context) error {
	var err error
	if sd.db, err = sd.c.GetDatabase(ctx, sd.database); err != nil {
		return err
	}
	if sd.b, sd.restored, err = sd.c.GetBranchOrigin(ctx, sd.database, sd.branch); err != nil {
		return err
	}
	if sd.b.Production || sd.b.Name == sd.db.DefaultBranch {
		return step.Usagef("branch %s of %s is a production branch; seed-branch only changes development branches (create one with create-branch)", sd.branch, scope.OrgDatabase(sd.s))
	}
	return nil
}

// connected does the run's work over one password: schema or migrations,
// then data; it returns why the branch must be recreated first, if it must.
func (sd *seeder) connected(ctx context.Context, table string) (string, error) {
	parallelism := sd.s.Int("parallelism")
	bc, err := branchconn.Open(ctx, sd.s, sd.c, sd.database, sd.branch, branchconn.Password{
		Kind: branchconn.PasswordKind{Purpose: branchconn.PurposeSeed, Role: "admin"},
		TTL:  sd.s.Duration("password_ttl"), Conns: parallelism + 3,
	})
	if err != nil {
		return "", err
	}
	defer bc.Close()
	c, err := newConn(ctx, bc.Pool)
	if err != nil {
		return "", sd.wrap(err)
	}
	defer c.release()
	locked, err := c.acquire(ctx, sd.s.Logf)
	if err != nil {
		return "", sd.wrap(err)
	}
	if !locked {
		sd.s.Warnf("the server has no named locks (GET_LOCK): runs on branch %s are not serialized", sd.branch)
	}
	switch {
	case len(sd.src.migrations) > 0:
		applied, err := c.readApplied(ctx, table, sd.b.CreatedAt)
		if err != nil {
			return "", sd.wrap(err)
		}
		if why := sd.stale(applied); why != "" {
			return why, nil
		}
		changes, res, err := sd.migrate(ctx, bc, c, table, applied)
		sd.changes, sd.res = append(sd.changes, changes...), addResult(sd.res, res)
		if err != nil {
			return "", sd.wrap(err)
		}
	case len(sd.src.tables)+len(sd.src.views) > 0:
		changes, err := sd.convergeSchema(ctx, c, table)
		sd.changes = append(sd.changes, changes...)
		var unmanaged errUnmanaged
		if errors.As(err, &unmanaged) {
			return "", step.Usagef("%w", sd.wrap(err))
		}
		if err != nil {
			return "", sd.wrap(err)
		}
	}
	if len(sd.src.data) > 0 {
		if err := sd.loadData(ctx, bc, c); err != nil {
			return "", err
		}
	}
	return "", nil
}

// loadData empties the tables the data files write, unless the branch
// holds Data Branching rows, and loads the files.
func (sd *seeder) loadData(ctx context.Context, bc *branchconn.Conn, c *conn) error {
	if sd.restored {
		sd.s.Logf("branch %s holds rows from a backup (Data Branching): the data files run on top of them, so write them to run twice (REPLACE, INSERT … ON DUPLICATE KEY UPDATE)", sd.branch)
	} else {
		for _, t := range sd.src.dataTables {
			if err := c.exec(ctx, "TRUNCATE TABLE "+quoteName(t)); err != nil {
				return sd.wrap(fmt.Errorf("empty table %s before loading the data files: %w", t, err))
			}
		}
		sd.emptied = len(sd.src.dataTables)
		sd.s.Logf("emptied %d %s the data files write: %s", len(sd.src.dataTables), plural(len(sd.src.dataTables), "table"), list(sd.src.dataTables, 10))
	}
	limitMemory()
	parallelism := sd.s.Int("parallelism")
	opt := sd.loadOptions(parallelism)
	sd.loading = true
	opt.Progress = func(f sqlload.FileResult) {
		sd.loaded++
		sd.s.Logf("loaded %s: %d statements, %d rows, %s in %s", f.Name, f.Statements, f.Rows, size(f.Bytes), f.Duration.Round(time.Millisecond))
	}
	res, err := sqlload.Load(ctx, bc.Pool, loadFiles(sd.src.data), opt)
	sd.res = addResult(sd.res, res)
	if err != nil {
		if ctx.Err() != nil {
			return err // run says why the context ended
		}
		return fmt.Errorf("%w; fix it and run again: the next run empties the tables again and loads every data file", sd.wrap(err))
	}
	sd.s.Logf("loaded %d data %s: %d statements, %d rows, %s in %s (%s) over %d connections", len(res.Files), plural(len(res.Files), "file"), res.Statements, res.Rows,
		size(res.Bytes), res.Duration.Round(time.Millisecond), rate(res.Rows, res.Duration), parallelism)
	return nil
}

// memoryLimit is the soft limit of the Go heap while loading.
const memoryLimit = 64 << 20

// limitMemory sets memoryLimit unless GOMEMLIMIT set a limit already.
func limitMemory() {
	if debug.SetMemoryLimit(-1) == math.MaxInt64 {
		debug.SetMemoryLimit(memoryLimit)
	}
}

// wrap adds the branch and database to an error.
func (sd *seeder) wrap(err error) error {
	return fmt.Errorf("branch %s of %s: %w", sd.branch, scope.OrgDatabase(sd.s), err)
}

package sqlload

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"time"
)

// Load runs the scripts in order against db, whose DSN should set neither multiStatements nor
// interpolateParams; on failure it returns the numbers so far and the first error.
func Load(ctx context.Context, db *sql.DB, files []File, opt Options) (Result, error) {
	start := time.Now()
	opt = opt.withDefaults()
	if limit := db.Stats().MaxOpenConnections; limit > 0 && limit <= opt.Parallelism {
		if limit < 2 {
			return Result{}, fmt.Errorf("load sql: the connection pool allows %d connection, at least 2 are needed", limit)
		}
		opt.Parallelism = limit - 1
	}
	gctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	ld := &loader{
		ctx:    gctx,
		fail:   cancel,
		opt:    opt,
		budget: newBudget(int64(opt.MaxBuffered)),
		tr:     &tracker{progress: opt.Progress, all: files, start: start},
		assign: map[string]*worker{},
		temp:   map[string]bool{},
	}
	if opt.Heartbeat != nil {
		stop := make(chan struct{})
		defer close(stop)
		go ld.tr.heartbeat(opt.HeartbeatInterval, opt.Heartbeat, stop)
	}
	err := ld.connect(db)
	if err == nil {
		err = ld.run(files)
	}
	ld.disconnect()
	res := ld.tr.results()
	res.Duration = time.Since(start)
	return res, err
}

// connect takes the connections, reads the server settings the loader
// needs and starts the workers.
func (ld *loader) connect(db *sql.DB) error {
	var err error
	if ld.main, err = db.Conn(ld.ctx); err != nil {
		return fmt.Errorf("load sql: connect: %w", err)
	}
	// Without these settings the loader assumes no packet limit and
	// foreign key checks on, which only costs parallelism.
	var maxPacket, fkChecks sql.NullInt64
	row := ld.main.QueryRowContext(ld.ctx, "SELECT @@max_allowed_packet, @@foreign_key_checks")
	if err := row.Scan(&maxPacket, &fkChecks); err != nil && ld.ctx.Err() != nil {
		return fmt.Errorf("load sql: read server settings: %w", context.Cause(ld.ctx))
	}
	ld.maxPacket, ld.fkChecks = maxPacket.Int64, !fkChecks.Valid || fkChecks.Int64 != 0
	for range ld.opt.Parallelism {
		conn, err := db.Conn(ld.ctx)
		if err != nil {
			return fmt.Errorf("load sql: connect: %w", err)
		}
		ld.workers = append(ld.workers, &worker{ld: ld, conn: conn, jobs: make(chan job, jobQueue)})
	}
	for _, w := range ld.workers {
		ld.wg.Add(1)
		go func() {
			defer ld.wg.Done()
			if err := w.run(); err != nil {
				ld.fail(err)
			}
		}()
	}
	return nil
}

// disconnect waits for the workers and closes every connection without
// returning it to the pool.
func (ld *loader) disconnect() {
	ld.fail(errDone)
	ld.wg.Wait()
	conns := []*sql.Conn{ld.main}
	for _, w := range ld.workers {
		conns = append(conns, w.conn)
	}
	for _, c := range conns {
		if c != nil {
			// ErrBadConn makes database/sql close the connection.
			_ = c.Raw(func(any) error { return driver.ErrBadConn })
		}
	}
}

// errDone cancels the workers' context once the load is over.
var errDone = errors.New("load finished")

// run loads every file, waits for the last commit and stops the workers.
func (ld *loader) run(files []File) error {
	var err error
	for _, f := range files {
		if err = ld.loadFile(f); err != nil {
			break
		}
	}
	if err == nil {
		err = ld.barrier()
	}
	if err != nil {
		ld.fail(err)
	} else {
		for _, w := range ld.workers {
			close(w.jobs)
		}
	}
	ld.wg.Wait()
	if cause := context.Cause(ld.ctx); cause != nil && !errors.Is(cause, errDone) {
		if ctxErr := ld.ctx.Err(); errors.Is(cause, ctxErr) {
			return fmt.Errorf("load sql: %w", cause) // the caller's context ended
		}
		return cause
	}
	return nil
}

// loadFile reads one file and hands out its statements.
func (ld *loader) loadFile(f File) error {
	fs := ld.tr.open(f)
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("%s: open: %w", f.Name, err)
	}
	defer rc.Close()
	cr := &countingReader{r: rc}
	sp := NewSplitter(cr)
	for {
		st, err := sp.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if se := (*SyntaxError)(nil); errors.As(err, &se) {
			se.File = f.Name
			return se
		}
		if err != nil {
			return fmt.Errorf("%s: %w", f.Name, err)
		}
		ld.span = fs.span(sp.offset())
		if err := ld.dispatch(fs, st); err != nil {
			return err
		}
	}
	fs.readAll(cr.n)
	return nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

// Read reads from the underlying reader.
func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

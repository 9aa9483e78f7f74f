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

// Defaults for Options.
const (
	DefaultParallelism = 4
	DefaultBatchBytes  = 4 << 20
	DefaultMaxBuffered = 32 << 20
	// DefaultHeartbeatInterval is the time between two Heartbeat calls.
	DefaultHeartbeatInterval = 10 * time.Second
)

// File is one script to load.
type File struct {
	// Name identifies the script in results and errors ("seed.sql").
	Name string
	// Open returns the script's content; the loader closes it.
	Open func() (io.ReadCloser, error)
	// Size is the script's size in bytes, when known: Options.Heartbeat
	// reports bytes done out of it.
	Size int64
}

// Options tune Load. The zero value uses the defaults.
type Options struct {
	// Parallelism is how many connections load row data at once (default 4), next to one for
	// schema and session statements; 1 runs them in file order (docs/design/sqlload.md).
	Parallelism int
	// BatchBytes is how many bytes of statements a worker puts in one
	// transaction before it commits (default 4 MiB).
	BatchBytes int
	// MaxBuffered bounds the bytes of statements read ahead of the workers (default 32 MiB);
	// more lets more tables of a single dump load at once, at the cost of memory.
	MaxBuffered int
	// Progress, when set, is called once per file, in file order, when all its statements have
	// committed; calls come one at a time and hold up the load until they return.
	Progress func(FileResult)
	// Heartbeat, when set, is called every HeartbeatInterval while the load runs, with how far
	// it got; calls come one at a time, never alongside Progress (docs/design/sqlload.md).
	Heartbeat func(Status)
	// HeartbeatInterval is the time between two Heartbeat calls
	// (default 10 s).
	HeartbeatInterval time.Duration
}

// FileResult describes the load of one file.
type FileResult struct {
	// Name is File.Name.
	Name string
	// Statements counts the statements that ran.
	Statements int64
	// Skipped counts the statements not sent (LOCK TABLES, transaction
	// control).
	Skipped int64
	// Rows is the sum of the rows affected.
	Rows int64
	// Bytes is the size of the script.
	Bytes int64
	// Duration runs from opening the file to the commit of its last
	// statement.
	Duration time.Duration
}

// Result describes a whole load.
type Result struct {
	// Files holds one entry per file started, in order.
	Files []FileResult
	// Statements, Skipped, Rows and Bytes are totals over Files.
	Statements, Skipped, Rows, Bytes int64
	// Duration is the wall time of the load.
	Duration time.Duration
}

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

// withDefaults fills in the zero fields.
func (o Options) withDefaults() Options {
	if o.Parallelism <= 0 {
		o.Parallelism = DefaultParallelism
	}
	if o.BatchBytes <= 0 {
		o.BatchBytes = DefaultBatchBytes
	}
	if o.MaxBuffered <= 0 {
		o.MaxBuffered = DefaultMaxBuffered
	}
	if o.HeartbeatInterval <= 0 {
		o.HeartbeatInterval = DefaultHeartbeatInterval
	}
	return o
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

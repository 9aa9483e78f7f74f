package sqlload

import (
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

// Status is how far a load has got, for Options.Heartbeat.
type Status struct {
	// File is the first file not completely loaded (the last when all are); FileDone counts the
	// bytes of its statements that ran, and FileSize is its File.Size (0 when not given).
	File               string
	FileDone, FileSize int64
	// Done counts the bytes of every file's statements that ran; Size is the sum of File.Size
	// over the load's files (0 when one is not given).
	Done, Size int64
	// Statements and Rows count what ran so far: statements and rows
	// affected.
	Statements, Rows int64
	// Elapsed is the time since the load started.
	Elapsed time.Duration
}

// RowsPerSecond is the rate of rows so far.
func (s Status) RowsPerSecond() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Rows) / s.Elapsed.Seconds()
}

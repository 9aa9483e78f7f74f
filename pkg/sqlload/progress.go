package sqlload

import (
	"sync"
	"time"
)

// fileState follows one script while its statements run, on whichever
// connection, and reports it once all of them have committed.
type fileState struct {
	idx   int
	name  string
	size  int64 // File.Size, 0 when unknown
	start time.Time
	tr    *tracker
	read  int64 // offset of the end of the last statement read; dispatcher only

	mu          sync.Mutex
	res         FileResult
	done        int64 // bytes of the statements that ran or were skipped
	outstanding int   // statements handed to workers and not yet committed
	readDone    bool
	complete    bool
	last        time.Time
}

// tracker reports finished files to Options.Progress in file order, and
// the load's status to Options.Heartbeat.
type tracker struct {
	mu       sync.Mutex
	all      []File // every file of the load
	files    []*fileState
	next     int
	progress func(FileResult)
	start    time.Time
}

// open starts following a script.
func (t *tracker) open(f File) *fileState {
	t.mu.Lock()
	defer t.mu.Unlock()
	fs := &fileState{idx: len(t.files), name: f.Name, size: f.Size, start: time.Now(), tr: t, res: FileResult{Name: f.Name}}
	t.files = append(t.files, fs)
	return fs
}

// span returns the bytes of the script from the end of the statement
// read before to offset, the end of the statement just read.
func (f *fileState) span(offset int64) int64 {
	n := offset - f.read
	f.read = offset
	return n
}

// queued notes a statement handed to a worker.
func (f *fileState) queued() {
	f.mu.Lock()
	f.outstanding++
	f.mu.Unlock()
}

// ran records committed statements, which span bytes of the script;
// queued says whether they had been counted by queued.
func (f *fileState) ran(statements, rows, bytes int64, queued bool) {
	f.mu.Lock()
	f.res.Statements += statements
	f.res.Rows += rows
	f.done += bytes
	if queued {
		f.outstanding -= int(statements)
	}
	f.last = time.Now()
	done := f.finished()
	f.mu.Unlock()
	if done {
		f.tr.advance()
	}
}

// skipped records a statement the loader does not run, which spans
// bytes of the script.
func (f *fileState) skipped(bytes int64) {
	f.mu.Lock()
	f.res.Skipped++
	f.done += bytes
	f.mu.Unlock()
}

// readAll records that the whole script was read.
func (f *fileState) readAll(bytes int64) {
	f.mu.Lock()
	f.res.Bytes = bytes
	f.readDone = true
	if now := time.Now(); now.After(f.last) {
		f.last = now
	}
	done := f.finished()
	f.mu.Unlock()
	if done {
		f.tr.advance()
	}
}

// finished marks the file complete when it is; f.mu is held.
func (f *fileState) finished() bool {
	if f.complete || !f.readDone || f.outstanding > 0 {
		return false
	}
	f.complete = true
	f.done = f.res.Bytes
	f.res.Duration = f.last.Sub(f.start)
	return true
}

// result returns the file's numbers so far.
func (f *fileState) result() FileResult {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.res
	if !f.complete {
		r.Duration = time.Since(f.start)
	}
	return r
}

// advance calls Progress for every complete file not yet reported whose
// predecessors are all reported.
func (t *tracker) advance() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for t.next < len(t.files) {
		fs := t.files[t.next]
		fs.mu.Lock()
		complete := fs.complete
		fs.mu.Unlock()
		if !complete {
			return
		}
		t.next++
		if t.progress != nil {
			t.progress(fs.result())
		}
	}
}

// results returns every file's numbers and their totals.
func (t *tracker) results() Result {
	t.mu.Lock()
	files := t.files
	t.mu.Unlock()
	var r Result
	for _, fs := range files {
		fr := fs.result()
		r.Files = append(r.Files, fr)
		r.Statements += fr.Statements
		r.Skipped += fr.Skipped
		r.Rows += fr.Rows
		r.Bytes += fr.Bytes
	}
	return r
}

// status returns the load's status; t.mu is held.
func (t *tracker) status() Status {
	st := Status{Elapsed: time.Since(t.start)}
	for _, f := range t.all {
		if f.Size <= 0 {
			st.Size = 0
			break
		}
		st.Size += f.Size
	}
	var last Status
	for _, fs := range t.files {
		fs.mu.Lock()
		st.Done += fs.done
		st.Statements += fs.res.Statements
		st.Rows += fs.res.Rows
		last.File, last.FileDone, last.FileSize = fs.name, fs.done, fs.size
		if st.File == "" && !fs.complete {
			st.File, st.FileDone, st.FileSize = last.File, last.FileDone, last.FileSize
		}
		fs.mu.Unlock()
	}
	switch n := len(t.files); {
	case st.File != "":
	case n < len(t.all): // between two files
		st.File, st.FileSize = t.all[n].Name, t.all[n].Size
	default:
		st.File, st.FileDone, st.FileSize = last.File, last.FileDone, last.FileSize
	}
	return st
}

// heartbeat calls fn with the load's status every interval until stop is
// closed. Calls are serialized with Options.Progress.
func (t *tracker) heartbeat(interval time.Duration, fn func(Status), stop <-chan struct{}) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
			t.mu.Lock()
			fn(t.status())
			t.mu.Unlock()
		}
	}
}

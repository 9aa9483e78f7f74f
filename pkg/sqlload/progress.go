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
	start time.Time
	tr    *tracker

	mu          sync.Mutex
	res         FileResult
	outstanding int // statements handed to workers and not yet committed
	readDone    bool
	complete    bool
	last        time.Time
}

// tracker reports finished files to Options.Progress in file order.
type tracker struct {
	mu       sync.Mutex
	files    []*fileState
	next     int
	progress func(FileResult)
}

// open starts following a script.
func (t *tracker) open(name string) *fileState {
	t.mu.Lock()
	defer t.mu.Unlock()
	fs := &fileState{idx: len(t.files), name: name, start: time.Now(), tr: t, res: FileResult{Name: name}}
	t.files = append(t.files, fs)
	return fs
}

// queued notes a statement handed to a worker.
func (f *fileState) queued() {
	f.mu.Lock()
	f.outstanding++
	f.mu.Unlock()
}

// ran records committed statements; queued says whether they had been
// counted by queued.
func (f *fileState) ran(statements, rows int64, queued bool) {
	f.mu.Lock()
	f.res.Statements += statements
	f.res.Rows += rows
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

// skipped records a statement the loader does not run.
func (f *fileState) skipped() {
	f.mu.Lock()
	f.res.Skipped++
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

package sqlload

import (
	"context"
	"fmt"
)

// run takes jobs until the queue is closed or the load is cancelled.
func (w *worker) run() error {
	ctx := w.ld.ctx
	for {
		var j job
		var ok bool
		select {
		case j, ok = <-w.jobs:
		default:
			// Nothing queued: commit rather than hold locks while waiting.
			if err := w.commit(); err != nil {
				return err
			}
			select {
			case j, ok = <-w.jobs:
			case <-ctx.Done():
				w.rollback()
				return context.Cause(ctx)
			}
		}
		if !ok {
			return w.commit()
		}
		err := w.do(ctx, j)
		w.ld.budget.release(j.size)
		w.queued.Add(-int64(len(j.st.Text)))
		if err != nil {
			w.rollback()
			return err
		}
	}
}

// do runs one job.
func (w *worker) do(ctx context.Context, j job) error {
	if j.flush != nil {
		if err := w.commit(); err != nil {
			return err
		}
		close(j.flush)
		return nil
	}
	if len(j.session) > w.applied {
		if err := w.commit(); err != nil {
			return err
		}
		for _, s := range j.session[w.applied:] {
			if _, err := execStatement(ctx, w.conn, s.file, s.st); err != nil {
				return err
			}
			w.applied++
		}
	}
	if !j.batch {
		if err := w.commit(); err != nil {
			return err
		}
		rows, err := execStatement(ctx, w.conn, j.fs.name, j.st)
		if err != nil {
			return err
		}
		j.fs.ran(1, rows, j.span, true)
		return nil
	}
	if w.tx == nil {
		tx, err := w.conn.BeginTx(ctx, nil)
		if err != nil {
			return statementError(j.fs.name, j.st, fmt.Errorf("begin: %w", err))
		}
		w.tx, w.txBytes, w.txFirst = tx, 0, session{file: j.fs.name, st: j.st}
	}
	rows, err := execStatement(ctx, w.tx, j.fs.name, j.st)
	if err != nil {
		return err
	}
	if n := len(w.txRan); n > 0 && w.txRan[n-1].fs == j.fs {
		w.txRan[n-1].statements++
		w.txRan[n-1].rows += rows
		w.txRan[n-1].bytes += j.span
	} else {
		w.txRan = append(w.txRan, ranStep{fs: j.fs, statements: 1, rows: rows, bytes: j.span})
	}
	w.txBytes += len(j.st.Text)
	if w.txBytes >= w.ld.opt.BatchBytes {
		return w.commit()
	}
	return nil
}

// commit commits the open transaction, if any, and records what it ran.
func (w *worker) commit() error {
	if w.tx == nil {
		return nil
	}
	tx := w.tx
	w.tx = nil
	if err := tx.Commit(); err != nil {
		return statementError(w.txFirst.file, w.txFirst.st, fmt.Errorf("commit of the transaction starting here: %w", err))
	}
	for _, r := range w.txRan {
		r.fs.ran(r.statements, r.rows, r.bytes, true)
	}
	w.txRan = w.txRan[:0]
	return nil
}

// rollback abandons the open transaction, if any.
func (w *worker) rollback() {
	if w.tx != nil {
		_ = w.tx.Rollback()
		w.tx = nil
	}
	w.txRan = w.txRan[:0]
}

package sqlload

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// dispatch runs or hands out one statement.
func (ld *loader) dispatch(fs *fileState, st Statement) error {
	if ld.maxPacket > 0 && int64(len(st.Text))+1 > ld.maxPacket {
		return statementError(fs.name, st, fmt.Errorf("%w: the statement has %d bytes, the server's max_allowed_packet is %d",
			ErrTooLarge, len(st.Text), ld.maxPacket))
	}
	if st.Kind == Data {
		if table, simple := parseData(st.Text); simple && !mentionsSelect(st.Text) {
			return ld.runData(fs, st, table)
		}
	}
	if err := ld.serialBarrier(); err != nil {
		return err
	}
	switch st.Kind {
	case Session:
		return ld.runSession(fs, st)
	case Schema:
		if tg := parseSchema(st.Text); tg.table != "" {
			return ld.runSchema(fs, st, tg)
		}
	}
	// Anything else may read or change any table: it runs alone.
	if err := ld.barrier(); err != nil {
		return err
	}
	return ld.runMain(fs, st)
}

// runSession runs a session statement on main and logs it for the workers.
func (ld *loader) runSession(fs *fileState, st Statement) error {
	if skippedSession(st.Text) {
		fs.skipped(ld.span)
		return nil
	}
	if err := ld.runMain(fs, st); err != nil {
		return err
	}
	ld.session = append(ld.session, session{file: fs.name, st: st})
	regroup := false
	if strings.Contains(strings.ToLower(st.Text), "foreign_key_checks") {
		var on sql.NullInt64
		if err := ld.main.QueryRowContext(ld.ctx, "SELECT @@foreign_key_checks").Scan(&on); err != nil {
			return fmt.Errorf("load sql: read foreign_key_checks: %w", err)
		}
		regroup = (on.Int64 != 0) != ld.fkChecks
		ld.fkChecks = on.Int64 != 0
	}
	if first := (&lexer{s: st.Text}).next(); first.is("USE") && ld.fkChecks {
		regroup = true // foreign keys are read from the current database
	}
	if regroup {
		return ld.barrier()
	}
	return nil
}

// runData hands a statement that writes one table to that table's worker.
func (ld *loader) runData(fs *fileState, st Statement, table string) error {
	key := tableKey(table)
	if ld.temp[key] {
		if err := ld.serialBarrier(); err != nil {
			return err
		}
		return ld.runMain(fs, st)
	}
	group, err := ld.groupOf(key)
	if err != nil {
		return err
	}
	w := ld.assign[group]
	if w == nil {
		w = ld.idleWorker()
		ld.assign[group] = w
		w.groups++
	}
	return ld.send(w, fs, st, true)
}

// runSchema runs a schema statement about one table after that table's
// pending rows: on the worker that has them, or on main when none has.
func (ld *loader) runSchema(fs *fileState, st Statement, tg schemaTarget) error {
	key := tableKey(tg.table)
	if tg.temporary {
		ld.temp[key] = true
		return ld.runMain(fs, st)
	}
	if len(tg.refs) > 0 {
		// A new foreign key regroups tables, and its parent must be complete.
		wait := ld.fkChecks
		for _, ref := range tg.refs {
			wait = wait || ld.assign[tableKey(ref)] != nil
		}
		if wait {
			if err := ld.barrier(); err != nil {
				return err
			}
		}
	}
	if len(ld.assign) > 0 {
		group, err := ld.groupOf(key)
		if err != nil {
			return err
		}
		if w := ld.assign[group]; w != nil {
			return ld.send(w, fs, st, false)
		}
	}
	return ld.runMain(fs, st)
}

// groupOf returns the key under which a table's work is assigned: the table
// itself, or its foreign-key group while FOREIGN_KEY_CHECKS is on.
func (ld *loader) groupOf(key string) (string, error) {
	if !ld.fkChecks {
		return key, nil
	}
	if !ld.groupsLoaded {
		g, err := loadFKGroups(ld.ctx, ld.main)
		if err != nil {
			if ld.ctx.Err() != nil {
				return "", context.Cause(ld.ctx)
			}
			g = nil // unknown foreign keys: one group for every table
		}
		ld.groups, ld.groupsLoaded = g, true
	}
	return ld.groups.group(key), nil
}

// idleWorker picks the worker with the least queued work.
func (ld *loader) idleWorker() *worker {
	best := ld.workers[0]
	for _, w := range ld.workers[1:] {
		if q, bq := w.queued.Load(), best.queued.Load(); q < bq || q == bq && w.groups < best.groups {
			best = w
		}
	}
	return best
}

// send queues a statement on a worker, waiting for read-ahead budget.
func (ld *loader) send(w *worker, fs *fileState, st Statement, batch bool) error {
	size, err := ld.budget.acquire(ld.ctx, int64(len(st.Text)))
	if err != nil {
		return err
	}
	fs.queued()
	w.queued.Add(int64(len(st.Text)))
	select {
	case w.jobs <- job{st: st, fs: fs, session: ld.session, batch: batch, size: size, span: ld.span}:
		return nil
	case <-ld.ctx.Done():
		ld.budget.release(size)
		return context.Cause(ld.ctx)
	}
}

// barrier waits until every worker has committed all it was given, then
// forgets the assignments of tables to workers and the foreign keys.
func (ld *loader) barrier() error {
	ld.groups, ld.groupsLoaded = nil, false
	if len(ld.assign) == 0 {
		return nil
	}
	var waits []chan struct{}
	for _, w := range ld.workers {
		if w.groups == 0 {
			continue
		}
		done := make(chan struct{})
		select {
		case w.jobs <- job{flush: done}:
		case <-ld.ctx.Done():
			return context.Cause(ld.ctx)
		}
		waits = append(waits, done)
		w.groups = 0
	}
	for _, done := range waits {
		select {
		case <-done:
		case <-ld.ctx.Done():
			return context.Cause(ld.ctx)
		}
	}
	clear(ld.assign)
	return nil
}

// serialBarrier is a barrier with Parallelism 1, which runs one statement
// at a time in file order.
func (ld *loader) serialBarrier() error {
	if ld.opt.Parallelism > 1 {
		return nil
	}
	return ld.barrier()
}

// runMain runs a statement on the session connection.
func (ld *loader) runMain(fs *fileState, st Statement) error {
	rows, err := execStatement(ld.ctx, ld.main, fs.name, st)
	if err != nil {
		return err
	}
	fs.ran(1, rows, ld.span, false)
	return nil
}

// skippedSession reports whether a session statement is one the loader
// does not send: table locks and transaction control.
func skippedSession(text string) bool {
	l := lexer{s: text}
	first := l.next()
	switch {
	case first.is("LOCK"), first.is("UNLOCK"), first.is("COMMIT"), first.is("ROLLBACK"),
		first.is("SAVEPOINT"), first.is("RELEASE"), first.is("BEGIN"):
		return true
	case first.is("START"):
		return l.next().is("TRANSACTION")
	case first.is("SET"):
		// SET [SESSION|LOCAL|@@session.|@@] autocommit = …
		for range 6 {
			t := l.next()
			if t.is("autocommit") {
				return true
			}
			if t.kind == tokEnd || t.kind == tokPunct && t.text == "=" {
				return false
			}
		}
	}
	return false
}

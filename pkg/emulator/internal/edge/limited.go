package edge

import (
	"context"
	"errors"
	"strings"

	"github.com/dolthub/vitess/go/mysql"
	"github.com/dolthub/vitess/go/sqltypes"
)

// limitKind is what a statement's text says of the limits that apply to it.
type limitKind struct {
	read        bool // a read: the SELECT timeout applies
	boundedDML  bool // an UPDATE or DELETE without LIMIT: the row limit applies to the rows it changes
	transaction bool // BEGIN, COMMIT, ROLLBACK and the like
}

// kindOf reads a statement's first word, and for an UPDATE or DELETE
// whether it has a LIMIT outside parentheses.
func kindOf(sql string) limitKind {
	l := &lexer{sql: sql}
	t, ok := l.next()
	if !ok {
		return limitKind{}
	}
	if t.kind == tokPunct && t.text == "(" {
		return limitKind{read: true}
	}
	switch t.text {
	case "select", "show", "with", "explain", "describe", "desc", "table", "values", "help":
		return limitKind{read: true}
	case "begin", "start", "commit", "rollback", "savepoint", "release", "set", "xa":
		return limitKind{transaction: true}
	case "update", "delete":
	default:
		return limitKind{}
	}
	depth := 0
	for t, ok := l.next(); ok; t, ok = l.next() {
		switch {
		case t.kind == tokPunct && t.text == "(":
			depth++
		case t.kind == tokPunct && t.text == ")":
			depth--
		case t.kind == tokWord && t.text == "limit" && depth == 0:
			return limitKind{}
		}
	}
	return limitKind{boundedDML: true}
}

// limited runs sql within PlanetScale's query limits (timeouts, rows read, rows changed);
// a limit error rolls the transaction back, as vtgate does (docs/design/emulator-edge.md).
func (s *session) limited(ctx context.Context, sql string) (*sqltypes.Result, error) {
	lim := s.h.limits
	kind := kindOf(sql)
	timeout := lim.DMLTimeout
	switch {
	case kind.read:
		timeout = lim.SelectTimeout
	case kind.transaction:
		timeout = 0
	}
	if !kind.boundedDML || lim.MaxRows <= 0 {
		res, err := s.relay(ctx, sql, timeout)
		if isAborted(err) {
			s.rollback(ctx)
		}
		return res, err
	}
	own := s.c.StatusFlags&mysql.ServerInTransaction == 0 && s.c.StatusFlags&mysql.ServerStatusAutocommit != 0
	if own {
		if _, err := s.relayQuiet(ctx, "BEGIN"); err != nil {
			return nil, err
		}
	}
	res, status, warnings, err := s.run(ctx, sql, timeout, lim.MaxRows)
	switch {
	case err == nil && res.RowsAffected > uint64(lim.MaxRows):
		err = s.errDMLRowCount(lim.MaxRows)
		s.rollback(ctx)
	case err != nil:
		if own || isAborted(err) {
			s.rollback(ctx)
		}
	case own:
		var committed uint16
		if _, committed, _, err = s.run(ctx, "COMMIT", 0, 0); err == nil {
			s.setStatus(committed)
		}
	default:
		s.setStatus(status)
	}
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.warnings = warnings
	s.mu.Unlock()
	return res, nil
}

// rollback rolls the session's transaction back, if storage still has one.
func (s *session) rollback(ctx context.Context) {
	if _, status, _, err := s.run(ctx, "ROLLBACK", 0, 0); err == nil {
		s.setStatus(status)
	} else {
		s.c.StatusFlags &^= mysql.ServerInTransaction
		s.trackTx(false)
	}
}

// isAborted reports whether err is one of the edge's Aborted errors (the
// row limit, the transaction killer).
func isAborted(err error) bool {
	var se *mysql.SQLError
	return errors.As(err, &se) && se.Num == mysql.ERUnknownError && strings.Contains(se.Message, "rpc error: code = Aborted desc = ")
}

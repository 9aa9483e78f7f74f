package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"unicode/utf8"
)

// querier runs statements and queries: a pool or one connection.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// serialize holds the embedded server's statement lock until unlock is called, and
// does nothing on an external server (docs/design/emulator-storage.md).
func (s *Server) serialize() (unlock func()) {
	if s.embedded == nil {
		return func() {}
	}
	s.embedded.stmtMu.Lock()
	return s.embedded.stmtMu.Unlock
}

// Serialize is serialize for the statements others relay to the embedded server
// that read its metadata; on an external server it does nothing.
func (s *Server) Serialize() (unlock func()) { return s.serialize() }

// execOne runs one statement on q under the statement lock.
func (s *Server) execOne(ctx context.Context, q querier, stmt string) error {
	defer s.serialize()()
	_, err := q.ExecContext(ctx, stmt)
	return err
}

// session is one admin connection of a Server, with a current database.
type session struct {
	s *Server
	c *sql.Conn
}

// inDatabase runs fn on a fresh admin connection in db, discarded afterwards, so
// neither the current database nor a session variable fn set reaches the pool.
func (s *Server) inDatabase(ctx context.Context, db string, fn func(se session) error) error {
	if err := checkDatabase(db); err != nil {
		return err
	}
	c, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", s.addr, err)
	}
	defer func() {
		_ = c.Raw(func(any) error { return driver.ErrBadConn })
		_ = c.Close()
	}()
	if err := s.execOne(ctx, c, "USE "+quote(db)); err != nil {
		return fmt.Errorf("use database %s: %w", db, err)
	}
	return fn(session{s: s, c: c})
}

// rows runs a metadata query in the session; see Server.rows.
func (se session) rows(ctx context.Context, query string, args ...any) ([][]string, error) {
	return se.s.rows(ctx, se.c, query, args...)
}

// exec runs stmts in order and stops at the first error, which names the
// statement.
func (se session) exec(ctx context.Context, stmts ...string) error {
	for _, stmt := range stmts {
		if err := se.s.execOne(ctx, se.c, stmt); err != nil {
			return fmt.Errorf("%q: %w", clip(stmt, maxStatementInError), err)
		}
	}
	return nil
}

// rows runs query on q under the statement lock and returns all its rows
// as strings, NULL as "".
func (s *Server) rows(ctx context.Context, q querier, query string, args ...any) ([][]string, error) {
	defer s.serialize()()
	rs, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", clip(query, maxStatementInError), err)
	}
	defer rs.Close()
	cols, err := rs.Columns()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", clip(query, maxStatementInError), err)
	}
	var out [][]string
	for rs.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("%s: %w", clip(query, maxStatementInError), err)
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = v.String
		}
		out = append(out, row)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", clip(query, maxStatementInError), err)
	}
	return out, nil
}

// column returns column i of every row.
func column(rows [][]string, i int) []string {
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		out = append(out, r[i])
	}
	return out
}

// maxStatementInError is how much of a failing statement an error quotes.
const maxStatementInError = 300

// clip shortens s to at most n bytes (plus an ellipsis), never cutting a
// UTF-8 sequence in half.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

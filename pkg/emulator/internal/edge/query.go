package edge

import (
	"context"
	"unicode/utf8"

	"github.com/dolthub/vitess/go/mysql"
	"github.com/dolthub/vitess/go/sqltypes"
)

// query runs a client's statement through guard, authorize and rewriteToStorage, then
// relays it within the limits; a USE maps to storage, the answer to the client's name.
func (s *session) query(ctx context.Context, sql string, more bool, callback mysql.ResultSpoolFn) error {
	if k := s.takeKill(); k != nil {
		// vtgate rolls a session's transaction back after an Aborted
		// error (vitess go/vt/vtgate/scatter_conn.go endAction,
		// SetRollback); a ROLLBACK of the ended one has nothing to do.
		if t, _ := (&lexer{sql: sql}).next(); t.kind == tokWord && t.text == "rollback" {
			return callback(&sqltypes.Result{}, more)
		}
		return s.errTxKilled(*k)
	}
	st := classify(sql)
	if st.kind == stmtUse {
		name, err := useTarget(sql)
		if err != nil {
			return err
		}
		storage, tablet, err := storageName(s.acct, name)
		if err != nil {
			return err
		}
		res, err := s.relay(ctx, "USE "+quoteID(storage), 0)
		if err != nil {
			return renameError(err, s.acct)
		}
		s.setTarget(name, tablet)
		return callback(res, more)
	}
	if err := s.guard(ctx, st); err != nil {
		return err
	} else if st.kind == stmtDDL && !utf8.ValidString(sql) {
		return invalidUTF8(sql)
	}
	if err := s.authorizeStatement(ctx, st, sql); err != nil {
		return err
	}
	res, err := s.limited(ctx, rewriteToStorage(sql, s.acct))
	if err != nil {
		return renameError(err, s.acct)
	}
	if st.changesSchema() {
		s.h.dir.SchemaChanged(s.acct.User)
	}
	renameResult(res, s.acct)
	return callback(res, more)
}

// authorizeStatement authorizes st, or for a statement that runs another
// the one it runs.
func (s *session) authorizeStatement(ctx context.Context, st statement, sql string) error {
	switch st.kind {
	case stmtPrepare, stmtExecute:
		if p, ok := s.prepared[st.name]; ok && p.text != "" {
			return s.authorize(p.text)
		}
		return nil
	case stmtExecuteNow:
		if p := s.prepareText(ctx, st.source); p.text != "" {
			return s.authorize(p.text)
		}
		return nil
	}
	return s.authorize(sql)
}

// use switches the storage session to the database a COM_INIT_DB or the
// handshake names, mapped by storageName.
func (s *session) use(ctx context.Context, name string) error {
	storage, tablet, err := storageName(s.acct, name)
	if err != nil {
		return err
	}
	if _, err = s.relay(ctx, "USE "+quoteID(storage), 0); err != nil {
		return renameError(err, s.acct)
	}
	s.setTarget(name, tablet)
	return nil
}

package edge

import (
	"context"
	"strings"

	"github.com/dolthub/vitess/go/mysql"
	"github.com/dolthub/vitess/go/sqltypes"
	querypb "github.com/dolthub/vitess/go/vt/proto/query"
	"github.com/dolthub/vitess/go/vt/sqlparser"
)

// NewConnection starts with autocommit on, as MySQL does.
func (h *handler) NewConnection(c *mysql.Conn) {
	c.StatusFlags |= mysql.ServerStatusAutocommit
}

// session returns c's session, making it from the account c logged in
// with.
func (h *handler) session(c *mysql.Conn) (*session, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if s := h.sessions[c]; s != nil {
		return s, nil
	}
	l, ok := c.UserData.(*login)
	if !ok {
		return nil, mysql.NewSQLError(mysql.ERAccessDeniedError, mysql.SSAccessDeniedError, "not logged in")
	}
	s := newSession(h, c, l.acct)
	h.sessions[c] = s
	return s, nil
}

// ConnectionClosed closes the connection's storage session.
func (h *handler) ConnectionClosed(c *mysql.Conn) {
	h.mu.Lock()
	s := h.sessions[c]
	delete(h.sessions, c)
	h.mu.Unlock()
	if s != nil {
		s.close()
	}
}

// ConnectionAborted is told of a handshake that failed; the refusal
// itself went to the client, and a refused login to the Directory.
func (h *handler) ConnectionAborted(*mysql.Conn, string) error { return nil }

// closeAll closes every storage session, ending the statements they run.
func (h *handler) closeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, s := range h.sessions {
		s.close()
	}
}

// ComInitDB applies the database of the handshake or of COM_INIT_DB.
func (h *handler) ComInitDB(c *mysql.Conn, name string) error {
	s, err := h.session(c)
	if err != nil {
		return err
	}
	return s.use(context.Background(), name)
}

// ComQuery runs a query of one statement.
func (h *handler) ComQuery(ctx context.Context, c *mysql.Conn, query string, callback mysql.ResultSpoolFn) error {
	s, err := h.session(c)
	if err != nil {
		return err
	}
	return s.query(ctx, query, false, callback)
}

// ComMultiQuery runs the first statement of a query and returns the rest, split as
// vtgate splits them (SplitStatementToPieces), a procedure body's semicolons included.
func (h *handler) ComMultiQuery(ctx context.Context, c *mysql.Conn, query string, callback mysql.ResultSpoolFn) (string, error) {
	s, err := h.session(c)
	if err != nil {
		return "", err
	}
	first, rest, err := sqlparser.SplitStatement(query)
	if err != nil {
		return "", mysql.NewSQLError(mysql.ERSyntaxError, mysql.SSClientError, "%v", err)
	}
	if strings.TrimSpace(strings.Trim(strings.TrimSpace(rest), ";")) == "" {
		rest = ""
	}
	return rest, s.query(ctx, first, rest != "", callback)
}

// ComPrepare accepts a statement the listener parsed and counted the parameters of, as
// vtgate does (vitess go/vt/vtgate/executor.go countArguments); fields come per execution.
func (h *handler) ComPrepare(_ context.Context, c *mysql.Conn, _ string, _ *mysql.PrepareData) ([]*querypb.Field, error) {
	_, err := h.session(c)
	return nil, err
}

// ComStmtExecute binds the parameters into the text and runs it as a query, as vtgate
// sends a prepared statement on; the listener sends the rows in the binary protocol.
func (h *handler) ComStmtExecute(ctx context.Context, c *mysql.Conn, prepare *mysql.PrepareData, callback func(*sqltypes.Result) error) error {
	s, err := h.session(c)
	if err != nil {
		return err
	}
	sql, err := bindQuery(prepare.PrepareStmt, prepare.BindVars)
	if err != nil {
		return err
	}
	return s.query(ctx, sql, false, func(res *sqltypes.Result, _ bool) error { return callback(res) })
}

// WarningCount is the warning count of the connection's last statement.
func (h *handler) WarningCount(c *mysql.Conn) uint16 {
	h.mu.Lock()
	s := h.sessions[c]
	h.mu.Unlock()
	if s == nil {
		return 0
	}
	return s.warningCount()
}

// ComResetConnection starts the client over on a new storage session.
func (h *handler) ComResetConnection(c *mysql.Conn) error {
	h.ConnectionClosed(c)
	return nil
}

// ParserOptionsForConnection are the default ones: the listener parses
// prepared statements with them.
func (h *handler) ParserOptionsForConnection(*mysql.Conn) (sqlparser.ParserOptions, error) {
	return sqlparser.ParserOptions{}, nil
}

// bindQuery binds vars into sql's text, as vtgate sends a prepared statement on: each
// placeholder ("?", which the parser numbers v1, v2, …, or ":name") by its value.
func bindQuery(sql string, vars map[string]*querypb.BindVariable) (string, error) {
	stmt, err := sqlparser.Parse(sql)
	if err != nil {
		return "", mysql.NewSQLError(mysql.ERSyntaxError, mysql.SSClientError, "%v", err)
	}
	text, err := sqlparser.NewParsedQuery(stmt).GenerateQuery(vars, nil)
	if err != nil {
		return "", mysql.NewSQLError(mysql.ERWrongArguments, mysql.SSUnknownSQLState, "%v", err)
	}
	return text, nil
}

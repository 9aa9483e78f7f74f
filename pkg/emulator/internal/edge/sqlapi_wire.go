package edge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/dolthub/vitess/go/mysql"
	"github.com/dolthub/vitess/go/sqltypes"
	dquerypb "github.com/dolthub/vitess/go/vt/proto/query"
	querypb "github.com/planetscale/vitess-types/gen/vitess/query/v21"
	vtrpcpb "github.com/planetscale/vitess-types/gen/vitess/vtrpc/v21"
	"google.golang.org/protobuf/proto"
)

// run runs one statement of the session, its bind variables bound into
// its text as the MySQL edge binds a prepared statement's.
func (s *apiSession) run(ctx context.Context, query string, vars map[string]*querypb.BindVariable) (*querypb.QueryResult, error) {
	sql, err := bindWire(query, vars)
	if err != nil {
		return nil, err
	}
	var out *sqltypes.Result
	if err := s.edge.query(ctx, sql, false, func(r *sqltypes.Result, _ bool) error { out = r; return nil }); err != nil {
		return nil, err
	}
	return toQueryResult(out)
}

// bindWire binds the API's bind variables into query, read as the fork's through their
// wire form: both are generated from vitess' query.proto, field for field.
func bindWire(query string, vars map[string]*querypb.BindVariable) (string, error) {
	if len(vars) == 0 {
		return query, nil
	}
	bound := make(map[string]*dquerypb.BindVariable, len(vars))
	for name, v := range vars {
		b := &dquerypb.BindVariable{}
		if err := convert(v, b); err != nil {
			return "", fmt.Errorf("bind variable %s: %w", name, err)
		}
		bound[name] = b
	}
	return bindQuery(query, bound)
}

// toQueryResult is a storage result as the API sends it; a result set affects no rows,
// as vitess' client sets RowsAffected from an OK packet only (go/mysql/query.go).
func toQueryResult(res *sqltypes.Result) (*querypb.QueryResult, error) {
	if res == nil {
		return &querypb.QueryResult{}, nil
	}
	d := sqltypes.ResultToProto3(res)
	d.Extras = nil
	if len(d.Fields) > 0 {
		d.RowsAffected = 0
	}
	out := &querypb.QueryResult{}
	if err := convert(d, out); err != nil {
		return nil, err
	}
	out.Info = res.Info
	return out, nil
}

// convert reads message from as to, through its wire form.
func convert(from, to proto.Message) error {
	b, err := proto.Marshal(from)
	if err != nil {
		return err
	}
	return proto.Unmarshal(b, to)
}

// rpcError is an error as vtgate answers it: a vtrpc code and a message ending in "(errno
// N) (sqlstate XXXXX)", which psdbproxy reads back (vitess go/mysql/sqlerror/sql_error.go).
func rpcError(err error) *vtrpcpb.RPCError {
	var se *mysql.SQLError
	if !errors.As(err, &se) {
		se = mysql.NewSQLError(mysql.ERUnknownError, mysql.SSUnknownSQLState, "%v", err)
	}
	msg := se.Message
	if !strings.Contains(msg, "(errno ") {
		msg = fmt.Sprintf("%s (errno %d) (sqlstate %s)", msg, se.Num, se.State)
	}
	return &vtrpcpb.RPCError{Code: rpcCode(se), Message: msg}
}

// grpcCode finds the code of a vttablet error in its message ("rpc error:
// code = Aborted desc = …", tabletError).
var grpcCode = regexp.MustCompile(`code = (\w+) desc`)

// rpcCode is a MySQL error's vtrpc code: the one its message names, else its number's as
// vitess maps them (go/mysql/sqlerror/constants.go, go/vt/vterrors/state.go), or UNKNOWN.
func rpcCode(se *mysql.SQLError) vtrpcpb.Code {
	if m := grpcCode.FindStringSubmatch(se.Message); m != nil {
		if c, ok := vtrpcpb.Code_value[upperSnake(m[1])]; ok {
			return vtrpcpb.Code(c)
		}
	}
	switch se.Num {
	case mysql.ERDupEntry:
		return vtrpcpb.Code_ALREADY_EXISTS
	case mysql.ERNoSuchTable, mysql.ERBadDb, mysql.ERBadFieldError:
		return vtrpcpb.Code_NOT_FOUND
	case mysql.ERSyntaxError, mysql.ERParseError, mysql.ERWrongArguments:
		return vtrpcpb.Code_INVALID_ARGUMENT
	case mysql.ERAccessDeniedError, 1142 /* ER_TABLEACCESS_DENIED_ERROR */, mysql.ERSpecifiedAccessDenied, mysql.ERDBAccessDenied:
		return vtrpcpb.Code_PERMISSION_DENIED
	case mysql.ERLockDeadlock, mysql.ERLockWaitTimeout:
		return vtrpcpb.Code_ABORTED
	}
	return vtrpcpb.Code_UNKNOWN
}

// upperSnake turns a gRPC code's name ("PermissionDenied") into vtrpc's
// ("PERMISSION_DENIED").
func upperSnake(name string) string {
	var b strings.Builder
	for i, r := range name {
		if i > 0 && r >= 'A' && r <= 'Z' {
			b.WriteByte('_')
		}
		b.WriteRune(r)
	}
	return strings.ToUpper(b.String())
}

// writeAPIError writes an error answer both clients read (authenticate).
func writeAPIError(w http.ResponseWriter, status int, code, message string) {
	body := struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Error   struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}{Code: code, Message: message}
	body.Error.Code, body.Error.Message = code, message
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

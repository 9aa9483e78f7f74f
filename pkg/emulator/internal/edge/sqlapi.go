package edge

import (
	"context"
	"errors"
	"net/http"
	"time"

	"connectrpc.com/connect"
	"github.com/dolthub/vitess/go/mysql"
	compress "github.com/klauspost/connect-compress/v2"
	datapb "github.com/planetscale/psdb/types/psdb/data/v1"
	psdbpb "github.com/planetscale/psdb/types/psdb/v1alpha1"
	"github.com/planetscale/psdb/types/psdb/v1alpha1/psdbv1alpha1connect"
)

// sqlAPI is PlanetScale's HTTP SQL API, psdb's psdb.v1alpha1.Database service, run
// through the MySQL edge's login and sessions (docs/design/emulator-edge.md).
type sqlAPI struct {
	h        *handler
	auth     *authServer
	sessions *apiSessions
}

// maxMessage bounds a message either way, as psdb's client does (core/client/client.go
// maxMessageSize, "slightly larger than the max message size allowed by edge gateway").
const maxMessage = 100 << 20

// compressMin is the smallest answer worth compressing on loopback.
const compressMin = 4 << 10

// routes serves the service over Connect (protobuf, JSON) behind Basic auth, with psdb's
// client's compressions (s2 by klauspost/connect-compress) for answers over compressMin.
func (a *sqlAPI) routes() http.Handler {
	path, svc := psdbv1alpha1connect.NewDatabaseHandler(a,
		compress.WithAll(compress.LevelFastest), connect.WithCompressMinBytes(compressMin),
		connect.WithReadMaxBytes(maxMessage), connect.WithSendMaxBytes(maxMessage))
	mux := http.NewServeMux()
	mux.Handle(path, svc)
	return a.authenticate(mux)
}

// CreateSession opens a session.
func (a *sqlAPI) CreateSession(ctx context.Context, _ *connect.Request[psdbpb.CreateSessionRequest]) (*connect.Response[psdbpb.CreateSessionResponse], error) {
	acct := accountOf(ctx)
	s := a.sessions.open(a.h, acct)
	return connect.NewResponse(&psdbpb.CreateSessionResponse{
		Branch:  acct.Branch,
		User:    &psdbpb.User{Username: acct.User, Role: roleOf(acct.Role)},
		Session: s.wire(a.sessions),
	}), nil
}

// Execute runs a statement with its bind variables in the request's session, or in a
// new one when it has none, as on @planetscale/database's first statement.
func (a *sqlAPI) Execute(ctx context.Context, req *connect.Request[psdbpb.ExecuteRequest]) (*connect.Response[psdbpb.ExecuteResponse], error) {
	start := time.Now()
	res, wire, err := a.execute(ctx, req.Msg)
	if err != nil {
		return nil, err
	}
	res.Session, res.Timing = wire, time.Since(start).Seconds()
	return connect.NewResponse(res), nil
}

// execute runs req in its session and returns the answer without timing.
func (a *sqlAPI) execute(ctx context.Context, req *psdbpb.ExecuteRequest) (*psdbpb.ExecuteResponse, *psdbpb.Session, error) {
	s, err := a.sessions.resume(ctx, a.h, accountOf(ctx), req.GetSession())
	if s == nil {
		return nil, nil, err
	}
	defer s.release(a.sessions)
	res := &psdbpb.ExecuteResponse{}
	if err == nil {
		res.Result, err = s.run(ctx, req.GetQuery(), req.GetBindVariables())
	}
	if err != nil {
		res.Error = rpcError(err)
	}
	return res, s.wire(a.sessions), nil
}

// StreamExecute answers an OLAP session's statement, which psdbproxy streams (handler.go
// streamExecute), as one message with the whole result and the session.
func (a *sqlAPI) StreamExecute(ctx context.Context, req *connect.Request[psdbpb.ExecuteRequest], stream *connect.ServerStream[psdbpb.ExecuteResponse]) error {
	res, wire, err := a.execute(ctx, req.Msg)
	if err != nil {
		return err
	}
	res.Session = wire
	return stream.Send(res)
}

// Prepare checks the session and answers no fields, as the MySQL edge's COM_STMT_PREPARE
// does (handler.ComPrepare): the fields come with each execution.
func (a *sqlAPI) Prepare(ctx context.Context, req *connect.Request[psdbpb.PrepareRequest]) (*connect.Response[psdbpb.PrepareResponse], error) {
	s, err := a.sessions.resume(ctx, a.h, accountOf(ctx), req.Msg.GetSession())
	if s == nil {
		return nil, err
	}
	defer s.release(a.sessions)
	res := &psdbpb.PrepareResponse{Session: s.wire(a.sessions)}
	if err != nil {
		res.Error = rpcError(err)
	}
	return connect.NewResponse(res), nil
}

// CloseSession ends a session and rolls back its open transaction.
func (a *sqlAPI) CloseSession(ctx context.Context, req *connect.Request[psdbpb.CloseSessionRequest]) (*connect.Response[psdbpb.CloseSessionResponse], error) {
	wire, err := a.sessions.end(accountOf(ctx), req.Msg.GetSession())
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&psdbpb.CloseSessionResponse{Session: wire}), nil
}

// roleOf is a password role as psdb names it.
func roleOf(role string) datapb.Role {
	return datapb.Role(datapb.Role_value[role])
}

// accountKey keys the caller's Account in a request's context.
type accountKey struct{}

// accountOf is the Account authenticate put in ctx.
func accountOf(ctx context.Context) Account {
	acct, _ := ctx.Value(accountKey{}).(Account)
	return acct
}

// authenticate logs each request in with its Basic credentials through the edge's login;
// a refusal is 401 with Connect's error body and "error" (docs/design/emulator-edge.md).
func (a *sqlAPI) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, password, ok := r.BasicAuth()
		if !ok {
			writeAPIError(w, http.StatusUnauthorized, "unauthenticated", "Basic authorization with a branch password is required")
			return
		}
		g, err := a.auth.login(user, textAddr(r.RemoteAddr), func(acct Account) bool {
			return equal([]byte(acct.Password), []byte(password))
		})
		if err != nil {
			var se *mysql.SQLError
			msg := err.Error()
			if errors.As(err, &se) {
				msg = se.Message
			}
			writeAPIError(w, http.StatusUnauthorized, "unauthenticated", msg)
			return
		}
		ctx := context.WithValue(r.Context(), accountKey{}, g.(*login).acct)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// textAddr is a remote address as net/http gives it.
type textAddr string

func (textAddr) Network() string  { return "tcp" }
func (a textAddr) String() string { return string(a) }

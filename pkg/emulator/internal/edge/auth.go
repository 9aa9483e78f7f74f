package edge

import (
	"context"
	"crypto/subtle"
	"crypto/x509"
	"net"
	"net/netip"
	"slices"
	"time"

	"github.com/dolthub/vitess/go/mysql"
	querypb "github.com/dolthub/vitess/go/vt/proto/query"
	vtrpcpb "github.com/dolthub/vitess/go/vt/proto/vtrpc"
	"github.com/dolthub/vitess/go/vt/vterrors"
)

// Account is a branch password as the edge sees it.
type Account struct {
	// User and Password log in; Password is the plain text, which the edge
	// checks and logs in to storage with.
	User, Password string
	// Database is the PlanetScale database's name, which clients may USE.
	Database string
	// Branch is the branch's name.
	Branch string
	// Storage is the storage database holding the branch.
	Storage string
	// CIDRs are the client addresses the password may be used from; none
	// means any.
	CIDRs []netip.Prefix
	// Expires is when the password stops logging in; zero means never.
	Expires time.Time
	// Role is the password's role (reader, writer, readwriter, admin),
	// which the edge enforces as vttablet's table ACLs do (authorize).
	Role string
	// Replica is set for a replica password: its statements go to
	// replicas, whatever database it names (concepts/replicas).
	Replica bool
}

// Directory is the emulator's passwords, asked at every login and before
// every statement that could change the schema.
type Directory interface {
	// Account returns the password whose user name is user.
	Account(user string) (Account, bool)
	// DirectDDL reports whether the branch of user's password takes DDL
	// now: false while it has safe migrations on, or once it is gone.
	DirectDDL(user string) bool
	// Procedure returns the body of procedure name (lowered) in the branch of user's
	// password, read as storage's admin: the user may not see a body it did not define.
	Procedure(user, name string) (body string, found bool, err error)
	// Kill ends what storage connection id runs (KILL QUERY), or with
	// query false the connection, with storage's admin rights.
	Kill(ctx context.Context, id int64, query bool) error
	// Refused is told why a login was refused, for the emulator's log.
	Refused(user, reason string)
	// SchemaChanged is told, before the client hears the answer, that a statement
	// that may have changed the schema of the branch of user's password ran there.
	SchemaChanged(user string)
}

// authServer checks logins against a Directory with mysql_native_password and with
// caching_sha2_password, pscale connect's default (pscale internal/cmd/connect/connect.go).
type authServer struct {
	dir        Directory
	now        func() time.Time
	requireTLS bool
}

// AuthMethods offers first mysql_native_password, which every client speaks, for a
// client asking for another method; caching_sha2_password needs TLS in full.
func (a *authServer) AuthMethods() []mysql.AuthMethod {
	return []mysql.AuthMethod{
		tlsGuard{mysql.NewMysqlNativeAuthMethod(a, a), a.requireTLS},
		tlsGuard{mysql.NewSha2CachingAuthMethod(a, a, a), a.requireTLS},
	}
}

// errInsecure is PlanetScale's refusal of plaintext, the error vitess' listener writes
// under RequireSecureTransport (go/mysql/server.go; docs/design/emulator-edge.md).
var errInsecure = vterrors.New(vtrpcpb.Code_UNAVAILABLE, insecureMessage)

// insecureMessage is the message of the listener's refusal, copied from
// the fork's go/mysql/server.go, which does not export it.
const insecureMessage = "server does not allow insecure connections, client must use SSL/TLS"

// tlsGuard refuses a plaintext login when TLS is required: the fork's listener goes
// on with the handshake after its own refusal (RequireSecureTransport).
type tlsGuard struct {
	mysql.AuthMethod
	required bool
}

// HandleAuthPluginData checks TLS, then the password.
func (g tlsGuard) HandleAuthPluginData(c *mysql.Conn, user string, server, client []byte, remote net.Addr) (mysql.Getter, error) {
	if g.required && !c.TLSEnabled() {
		return nil, errInsecure
	}
	return g.AuthMethod.HandleAuthPluginData(c, user, server, client, remote)
}

// DefaultAuthMethodDescription is the method of the initial handshake.
func (a *authServer) DefaultAuthMethodDescription() mysql.AuthMethodDescription {
	return mysql.MysqlNativePassword
}

// HandleUser accepts every user name, so that an unknown one is refused
// with the same "Access denied" as a wrong password.
func (a *authServer) HandleUser(string, net.Addr) bool { return true }

// UserEntryWithHash checks a mysql_native_password scramble.
func (a *authServer) UserEntryWithHash(_ []*x509.Certificate, salt []byte, user string, reply []byte, remote net.Addr) (mysql.Getter, error) {
	return a.login(user, remote, func(acct Account) bool {
		return equal(mysql.ScrambleMysqlNativePassword(salt, []byte(acct.Password)), reply)
	})
}

// UserEntryWithCacheHash checks a caching_sha2_password scramble (its
// fast path): it always knows the answer.
func (a *authServer) UserEntryWithCacheHash(_ []*x509.Certificate, salt []byte, user string, reply []byte, remote net.Addr) (mysql.Getter, mysql.CacheState, error) {
	g, err := a.login(user, remote, func(acct Account) bool {
		return equal(mysql.ScrambleCachingSha2Password(salt, []byte(acct.Password)), reply)
	})
	if err != nil {
		return nil, mysql.AuthRejected, err
	}
	return g, mysql.AuthAccepted, nil
}

// UserEntryWithPassword checks a password sent in clear over TLS (the
// full caching_sha2_password exchange).
func (a *authServer) UserEntryWithPassword(_ []*x509.Certificate, user, password string, remote net.Addr) (mysql.Getter, error) {
	return a.login(user, remote, func(acct Account) bool { return equal([]byte(acct.Password), []byte(password)) })
}

// login checks user's password with match, then its TTL and cidrs; every refusal is
// MySQL's "Access denied" (ERROR 1045, 28000) (docs/design/emulator-edge.md).
func (a *authServer) login(user string, remote net.Addr, match func(Account) bool) (mysql.Getter, error) {
	acct, ok := a.dir.Account(user)
	reason := ""
	switch {
	case !ok:
		reason = "no such password"
	case !match(acct):
		reason = "wrong password"
	case !acct.Expires.IsZero() && !a.now().Before(acct.Expires):
		// The password's TTL has passed: "The password will be invalid
		// when TTL has passed" (create_password, ttl, in the API spec).
		reason = "password expired"
	case !allowed(acct.CIDRs, remote):
		// cidrs: "List of IP addresses or CIDR ranges that can use this
		// password" (create_password in the API spec).
		reason = "client address " + addrString(remote) + " is outside the password's cidrs"
	}
	if reason != "" {
		a.dir.Refused(user, reason)
		return nil, mysql.NewSQLError(mysql.ERAccessDeniedError, mysql.SSAccessDeniedError, "Access denied for user '%v'", user)
	}
	return &login{acct: acct}, nil
}

// allowed reports whether remote is inside one of cidrs; none allows
// every address.
func allowed(cidrs []netip.Prefix, remote net.Addr) bool {
	if len(cidrs) == 0 {
		return true
	}
	ap, err := netip.ParseAddrPort(addrString(remote))
	if err != nil {
		return false
	}
	ip := ap.Addr().Unmap()
	return slices.ContainsFunc(cidrs, func(p netip.Prefix) bool { return p.Contains(ip) })
}

// addrString is an address as text, "" for none.
func addrString(a net.Addr) string {
	if a == nil {
		return ""
	}
	return a.String()
}

// equal compares secrets in constant time.
func equal(a, b []byte) bool { return len(a) > 0 && subtle.ConstantTimeCompare(a, b) == 1 }

// login is the account a connection logged in with, kept as its UserData.
type login struct{ acct Account }

// Get names the caller, as vitess' auth servers do.
func (l *login) Get() *querypb.VTGateCallerID { return &querypb.VTGateCallerID{Username: l.acct.User} }

package edge

import (
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/dolthub/vitess/go/mysql"
	vtlog "github.com/dolthub/vitess/go/vt/log"
	"github.com/psflow/psflow/pkg/emulator/internal/conntrack"
)

// Config describes an edge.
type Config struct {
	// Listen is the host:port to listen on.
	Listen string
	// Storage is the host:port of the storage server, or its socket's
	// path when StorageNet is "unix".
	Storage string
	// StorageNet is "tcp" (the default) or "unix".
	StorageNet string
	// Directory holds the passwords.
	Directory Directory
	// Insecure accepts plaintext connections too; TLS is still offered.
	Insecure bool
	// Limits are the query limits; the zero value is PlanetScale's.
	Limits Limits
	// Serialize, when set, is held around a relayed statement that reads
	// information_schema, which go-mysql-server v0.20.0 plans unsynchronized.
	Serialize func() (unlock func())
	// Sniff is how long a new connection has to open with TLS to get the HTTP SQL
	// API; 0 is DefaultSniff, a negative value serves MySQL only, greeting at once.
	Sniff time.Duration
}

// Server is a running edge.
type Server struct {
	listener *mysql.Listener
	tracked  *conntrack.Listener
	split    *splitter    // nil when MySQL only
	api      *http.Server // the HTTP SQL API on the same address; nil when MySQL only
	sessions *apiSessions
	handler  *handler
	ca       *CA
	addr     string
	done     chan struct{}

	once     sync.Once
	closeErr error
}

// shutdownTimeout bounds how long Close waits for the connections.
const shutdownTimeout = 10 * time.Second

// Start listens on cfg.Listen and serves until Close; its certificate names the host
// and, for a wildcard address, the loopback addresses and localhost.
func Start(cfg Config) (*Server, error) {
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", cfg.Listen, err)
	}
	addr := advertised(ln.Addr().(*net.TCPAddr))
	host, _, _ := net.SplitHostPort(addr)
	ca, err := NewCA(certHosts(host))
	if err != nil {
		_ = ln.Close()
		return nil, err
	}
	tracked := conntrack.New(ln)
	h := &handler{dir: cfg.Directory, storage: cfg.Storage, storageNet: cfg.StorageNet, limits: cfg.Limits.resolved(), serialize: cfg.Serialize, sessions: map[*mysql.Conn]*session{}}
	auth := &authServer{dir: cfg.Directory, now: time.Now, requireTLS: !cfg.Insecure}
	s := &Server{tracked: tracked, handler: h, ca: ca, addr: addr, done: make(chan struct{})}
	var mysqlLn net.Listener = tracked
	if cfg.Sniff >= 0 {
		s.split = split(tracked, cfg.Sniff)
		s.sessions = newAPISessions(idleTimeout, maxIdleSessions)
		api := &sqlAPI{h: h, auth: auth, sessions: s.sessions}
		s.api = &http.Server{Handler: api.routes(), TLSConfig: ca.ServerConfig(), ReadHeaderTimeout: connectTimeout, ErrorLog: log.New(io.Discard, "", 0)}
		mysqlLn = s.split.mysql
		go func() { _ = s.api.ServeTLS(s.split.https, "", "") }()
	}
	l, err := mysql.NewListenerWithConfig(mysql.ListenerConfig{
		Listener:           mysqlLn,
		AuthServer:         auth,
		Handler:            h,
		ConnReadBufferSize: mysql.DefaultConnBufferSize,
	})
	if err != nil {
		_ = s.close()
		return nil, fmt.Errorf("mysql listener: %w", err)
	}
	l.ServerVersion = serverVersion
	l.TLSConfig = ca.ServerConfig()
	// PlanetScale refuses plaintext with vitess' RequireSecureTransport
	// refusal (go/mysql/server.go), errInsecure.
	l.RequireSecureTransport = !cfg.Insecure
	s.listener = l
	go func() {
		defer close(s.done)
		l.Accept()
	}()
	return s, nil
}

// advertised is the address clients are given: the listening one, with a
// loopback IP in place of a wildcard.
func advertised(a *net.TCPAddr) string {
	ip := a.IP
	if ip.IsUnspecified() {
		ip = net.IPv4(127, 0, 0, 1)
	}
	return net.JoinHostPort(ip.String(), fmt.Sprint(a.Port))
}

// certHosts are the names the server certificate carries.
func certHosts(host string) []string {
	return []string{host, "127.0.0.1", "::1", "localhost"}
}

// Addr is the host:port clients connect to.
func (s *Server) Addr() string { return s.addr }

// CA is the authority that signed the edge's certificate.
func (s *Server) CA() *CA { return s.ca }

// Close stops accepting connections, ends every open one and its storage
// session, and waits until they are gone.
func (s *Server) Close() error {
	s.once.Do(func() {
		s.listener.Close()
		s.closeErr = s.close()
		s.handler.closeAll()
		if err := s.tracked.Shutdown(s.done, shutdownTimeout); err != nil {
			s.closeErr = errors.Join(s.closeErr, fmt.Errorf("mysql edge: %w", err))
		}
	})
	return s.closeErr
}

// close stops the HTTP SQL API and its sessions, and the splitter.
func (s *Server) close() error {
	if s.split == nil {
		return s.tracked.Close()
	}
	err := s.split.Close()
	s.sessions.closeAll()
	return errors.Join(err, s.api.Close())
}

// serverVersion is the version the edge announces, whatever the storage runs: vtgate's
// MySQL version with a -Vitess suffix (vitess go/mysql/config DefaultMySQLVersion).
const serverVersion = "8.0.40-Vitess"

// init silences the fork's listener, which logs every refused login and closed
// connection; its process-wide log variables are set before any goroutine reads them.
func init() {
	discard := func(...any) {}
	discardf := func(string, ...any) {}
	vtlog.Info, vtlog.Warning, vtlog.Error = discard, discard, discard
	vtlog.Infof, vtlog.Warningf, vtlog.Errorf = discardf, discardf, discardf
}

// Package benchkit holds what the benchmark commands under bench/ share:
// building psflow, running an emulator on a loopback port, the environment
// a psflow step runs with, percentiles and a description of the machine.
package benchkit

import (
	"cmp"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/psflow/psflow/pkg/emulator"
)

// Org is the organization every benchmark emulator serves.
const Org = "acme"

// ProductionSchema is production's schema at a benchmark's start (the CodeBuild guide's
// bookings API), and SchemaChange the pull request's change, made on its branch.
const (
	ProductionSchema = `CREATE TABLE hotels (
  id INT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
  name VARCHAR(50) NOT NULL,
  address VARCHAR(50) NOT NULL,
  stars FLOAT UNSIGNED
)`
	SchemaChange = "ALTER TABLE hotels ADD COLUMN description VARCHAR(400)"
)

// BuildPsflow builds ./cmd/psflow of the module in the current directory
// into dir and returns the binary's path.
func BuildPsflow(dir string) (string, error) {
	out := filepath.Join(dir, "psflow")
	cmd := exec.Command("go", "build", "-o", out, "./cmd/psflow")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build psflow: %w", err)
	}
	return out, nil
}

// Emulator is an emulator serving on a loopback port, with a complete log of the API requests
// it answered (the emulator's own keeps the latest 10,000).
type Emulator struct {
	*emulator.Emulator
	srv  *http.Server
	url  string
	done chan error

	mu   sync.Mutex
	hits []Hit
}

// Hit is one request the emulator answered: when it arrived and its
// status.
type Hit struct {
	At     time.Time
	Status int
}

// StartEmulator starts an emulator for org Org with a random service token
// and safe migrations on main, and serves it on 127.0.0.1 at a free port.
func StartEmulator(ctx context.Context, cfg emulator.Config) (*Emulator, error) {
	cfg.Org = Org
	cfg.TokenID, cfg.Token = "bench"+Random(8), "pscale_tkn_"+Random(24)
	cfg.SafeMigrations = []string{"main"}
	em, err := emulator.New(ctx, cfg)
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, errors.Join(fmt.Errorf("listen: %w", err), em.Close())
	}
	e := &Emulator{Emulator: em, url: "http://" + l.Addr().String(), done: make(chan error, 1)}
	e.srv = &http.Server{Handler: e.record(em.Handler()), ReadHeaderTimeout: 10 * time.Second}
	go func() { e.done <- e.srv.Serve(l) }()
	return e, nil
}

// record logs every request next serves, with its arrival time and status.
func (e *Emulator) record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		at := time.Now()
		next.ServeHTTP(rec, r)
		e.mu.Lock()
		e.hits = append(e.hits, Hit{At: at, Status: rec.status})
		e.mu.Unlock()
	})
}

// statusWriter remembers the status written through it.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

// WriteHeader records the first status.
func (s *statusWriter) WriteHeader(code int) {
	if !s.wrote {
		s.status, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection.
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// URL is the emulator's API base URL.
func (e *Emulator) URL() string { return e.url }

// Hits lists every request answered so far, in the order they finished.
func (e *Emulator) Hits() []Hit {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.hits)
}

// Stop stops serving and closes the emulator, dropping everything it
// created.
func (e *Emulator) Stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := e.srv.Shutdown(ctx)
	if serr := <-e.done; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return errors.Join(err, e.Close())
}

// PsflowEnv is a psflow step's environment as a CodeBuild project sets it: no GitHub variables,
// outputs to outFile, e's CA trusted for MySQL (its edge, like PlanetScale, refuses plaintext).
func (e *Emulator) PsflowEnv(database, outFile string) []string {
	return append(os.Environ(),
		"PLANETSCALE_API_URL="+e.URL(), "PLANETSCALE_ORG="+Org,
		"PLANETSCALE_SERVICE_TOKEN_ID="+e.TokenID(), "PLANETSCALE_SERVICE_TOKEN="+e.Token(),
		"PSFLOW_DATABASE="+database, "PSFLOW_OUTPUT_FILE="+outFile, "PSFLOW_MYSQL_CA="+e.CAFile(),
		"GITHUB_ACTIONS=", "GITHUB_OUTPUT=", "GITHUB_STEP_SUMMARY=", "GITHUB_EVENT_PATH=",
	)
}

// Random returns n random lowercase hex characters.
func Random(n int) string {
	b := make([]byte, (n+1)/2)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)[:n]
}

// Percentile returns the p-th percentile (0..100, nearest rank) of xs, or
// the zero value when xs is empty.
func Percentile[T cmp.Ordered](xs []T, p float64) T {
	if len(xs) == 0 {
		var zero T
		return zero
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(float64(len(s))*p/100+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}

// Machine describes the machine for a results table: CPUs, memory, OS and
// Go version.
func Machine() string {
	mem := "unknown memory"
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		for _, line := range strings.Split(string(data), "\n") {
			if _, err := fmt.Sscanf(line, "MemTotal: %d kB", &kb); err == nil {
				mem = fmt.Sprintf("%.1f GB RAM", float64(kb)/1024/1024)
				break
			}
		}
	}
	return fmt.Sprintf("%d CPUs (nproc), %s, %s/%s, %s", runtime.NumCPU(), mem, runtime.GOOS, runtime.GOARCH, runtime.Version())
}

// StorageName says which storage an emulator configured with dsn uses:
// the embedded server, or the external server's address and version.
func StorageName(ctx context.Context, dsn string) string {
	if dsn == "" {
		return "embedded go-mysql-server"
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return "external MySQL server"
	}
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		return "MySQL server at " + cfg.Addr
	}
	defer db.Close()
	var version string
	if err := db.QueryRowContext(ctx, "SELECT VERSION()").Scan(&version); err != nil {
		return "MySQL server at " + cfg.Addr
	}
	return fmt.Sprintf("MySQL server %s at %s", version, cfg.Addr)
}

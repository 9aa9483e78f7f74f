package emulator

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"testing"
	"time"
)

// Option changes the Config of an emulator made by Start.
type Option func(*Config) error

// WithOrg names the organization (default "acme").
func WithOrg(name string) Option {
	return func(c *Config) error { c.Org = name; return nil }
}

// WithDatabases names the databases created at start (default "app").
func WithDatabases(names ...string) Option {
	return func(c *Config) error { c.Databases = append([]string(nil), names...); return nil }
}

// WithToken sets the service token id and secret (default random).
func WithToken(id, secret string) Option {
	return func(c *Config) error { c.TokenID, c.Token = id, secret; return nil }
}

// WithMySQL keeps branches on an external server given by DSN instead of
// the embedded one.
func WithMySQL(dsn string) Option {
	return func(c *Config) error { c.MySQLDSN = dsn; return nil }
}

// WithLimits sets the MySQL edge's query limits; the zero value is
// PlanetScale's, a negative field turns that limit off.
func WithLimits(l Limits) Option {
	return func(c *Config) error { c.Limits = l; return nil }
}

// WithTimings sets the timings of the asynchronous steps.
func WithTimings(t Timings) Option {
	return func(c *Config) error { c.Timings = t; return nil }
}

// WithProfile sets the timings from a named profile: zero (the default),
// fast or realistic.
func WithProfile(name string) Option {
	return func(c *Config) error {
		t, err := ProfileTimings(name)
		c.Timings = t
		return err
	}
}

// WithTimeScale multiplies every timing by f.
func WithTimeScale(f float64) Option {
	return func(c *Config) error {
		if f <= 0 {
			return fmt.Errorf("time scale %v must be positive", f)
		}
		c.TimeScale = f
		return nil
	}
}

// WithRateLimit sets the requests per minute per token (default 600; 0
// disables the limit).
func WithRateLimit(perMinute int) Option {
	return func(c *Config) error {
		if perMinute < 0 {
			return fmt.Errorf("rate limit %d must not be negative", perMinute)
		}
		c.RateLimit = perMinute
		return nil
	}
}

// WithSafeMigrations names the branches that start with safe migrations
// on (Start's default: main); none leaves them off, as on a new
// PlanetScale database.
func WithSafeMigrations(branches ...string) Option {
	return func(c *Config) error { c.SafeMigrations = append([]string(nil), branches...); return nil }
}

// WithRequireApproval starts every database with require_approval_for_deploy
// on.
func WithRequireApproval() Option {
	return func(c *Config) error { c.RequireApproval = true; return nil }
}

// WithExtraToken adds a service token of another administrator.
func WithExtraToken(id, secret string) Option {
	return func(c *Config) error {
		c.ExtraTokens = append(c.ExtraTokens, Token{ID: id, Secret: secret})
		return nil
	}
}

// WithSniff sets how long a new edge connection has to start TLS to be
// served the HTTP SQL API (Config.Sniff): tests of the API give a loaded
// machine more than the default.
func WithSniff(d time.Duration) Option {
	return func(c *Config) error { c.Sniff = d; return nil }
}

// WithInsecureMySQL lets clients reach the MySQL edge without TLS, which
// PlanetScale refuses.
func WithInsecureMySQL() Option {
	return func(c *Config) error { c.InsecureMySQL = true; return nil }
}

// WithTokenAccesses gives the service token only these accesses (see
// Accesses) instead of all of them.
func WithTokenAccesses(accesses ...string) Option {
	return func(c *Config) error {
		c.TokenAccesses = append([]string{}, accesses...)
		return nil
	}
}

// WithTokenDatabases limits the service token to these databases, as a
// token granted on some databases only (serve --token-database).
func WithTokenDatabases(names ...string) Option {
	return func(c *Config) error {
		c.TokenDatabases = append([]string{}, names...)
		return nil
	}
}

// WithDataBranching turns allow_data_branching on for every database, as
// serve --data-branching does; a new database has it off, as on
// PlanetScale.
func WithDataBranching() Option {
	return func(c *Config) error { c.DataBranching = true; return nil }
}

// WithLogger sends the emulator's log lines to l.
func WithLogger(l *slog.Logger) Option {
	return func(c *Config) error { c.Logger = l; return nil }
}

// Start runs an emulator for a test on 127.0.0.1 with a random port and
// registers its cleanup, which drops every database and user it made.
// Defaults: organization "acme", database "app", a random service token
// with every access, the zero timing profile, embedded storage, 600
// requests per minute, safe migrations on main, as a database set up for
// deploy requests is, and a MySQL edge on 127.0.0.1 that requires TLS
// (ClientTLS, CAFile).
func Start(t testing.TB, opts ...Option) *Emulator {
	t.Helper()
	cfg := Config{
		Org: "acme", Databases: []string{"app"},
		TokenID: "tok" + randomString(12), Token: "pscale_tkn_" + randomString(32),
		RateLimit: DefaultRateLimit, SafeMigrations: []string{defaultBranch},
	}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			t.Fatalf("emulator option: %v", err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	e, err := New(ctx, cfg)
	if err != nil {
		t.Fatalf("start emulator: %v", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = e.Close()
		t.Fatalf("listen: %v", err)
	}
	srv, err := e.attach(l)
	if err != nil {
		_ = e.Close()
		t.Fatalf("serve: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	t.Cleanup(func() {
		if err := e.Close(); err != nil {
			t.Errorf("close emulator: %v", err)
		}
		if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("serve: %v", err)
		}
	})
	return e
}

// MySQLDSNEnv names the environment variable holding the external MySQL
// server tests run against as well as the embedded one.
const MySQLDSNEnv = "PSFLOW_TEST_MYSQL_DSN"

// EachStorage runs fn as subtest "embedded" and, when PSFLOW_TEST_MYSQL_DSN
// is set, as subtest "mysql" with WithMySQL(dsn). When CI is set and the
// variable is not, the test fails: CI must cover the real server.
func EachStorage(t *testing.T, fn func(t *testing.T, opts ...Option)) {
	t.Helper()
	dsn := os.Getenv(MySQLDSNEnv)
	if dsn == "" && os.Getenv("CI") != "" {
		t.Fatalf("CI is set but %s is not: the tests must run against MySQL/MariaDB too", MySQLDSNEnv)
	}
	t.Run("embedded", func(t *testing.T) { fn(t) })
	if dsn != "" {
		t.Run("mysql", func(t *testing.T) { fn(t, WithMySQL(dsn)) })
	}
}

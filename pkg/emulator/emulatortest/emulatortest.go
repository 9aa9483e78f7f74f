// Package emulatortest runs the PlanetScale API emulator in Go tests.
package emulatortest

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/psflow/psflow/pkg/emulator"
)

// Option changes the emulator.Config of an emulator made by Start.
type Option func(*emulator.Config) error

// WithOrg names the organization (default "acme").
func WithOrg(name string) Option {
	return func(c *emulator.Config) error { c.Org = name; return nil }
}

// WithDatabases names the databases created at start (default "app").
func WithDatabases(names ...string) Option {
	return func(c *emulator.Config) error { c.Databases = append([]string(nil), names...); return nil }
}

// WithToken sets the service token id and secret (default random).
func WithToken(id, secret string) Option {
	return func(c *emulator.Config) error { c.TokenID, c.Token = id, secret; return nil }
}

// WithMySQL keeps branches on an external server given by DSN instead of
// the embedded one.
func WithMySQL(dsn string) Option {
	return func(c *emulator.Config) error { c.MySQLDSN = dsn; return nil }
}

// WithLimits sets the MySQL edge's query limits; the zero value is
// PlanetScale's, a negative field turns that limit off.
func WithLimits(l emulator.Limits) Option {
	return func(c *emulator.Config) error { c.Limits = l; return nil }
}

// WithTimings sets the timings of the asynchronous steps.
func WithTimings(t emulator.Timings) Option {
	return func(c *emulator.Config) error { c.Timings = t; return nil }
}

// WithProfile sets the timings from a named profile: zero (the default),
// fast or realistic.
func WithProfile(name string) Option {
	return func(c *emulator.Config) error {
		t, err := emulator.ProfileTimings(name)
		c.Timings = t
		return err
	}
}

// WithTimeScale multiplies every timing by f.
func WithTimeScale(f float64) Option {
	return func(c *emulator.Config) error {
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
	return func(c *emulator.Config) error {
		if perMinute < 0 {
			return fmt.Errorf("rate limit %d must not be negative", perMinute)
		}
		c.RateLimit = perMinute
		return nil
	}
}

// WithSafeMigrations names the branches that start with safe migrations on (Start's default:
// main); none leaves them off, as on a new PlanetScale database.
func WithSafeMigrations(branches ...string) Option {
	return func(c *emulator.Config) error { c.SafeMigrations = append([]string(nil), branches...); return nil }
}

// WithRequireApproval starts every database with require_approval_for_deploy
// on.
func WithRequireApproval() Option {
	return func(c *emulator.Config) error { c.RequireApproval = true; return nil }
}

// WithExtraToken adds a service token of another administrator.
func WithExtraToken(id, secret string) Option {
	return func(c *emulator.Config) error {
		c.ExtraTokens = append(c.ExtraTokens, emulator.Token{ID: id, Secret: secret})
		return nil
	}
}

// WithSniff sets how long a new edge connection has to start TLS to be served the HTTP SQL API
// (emulator.Config.Sniff); tests of the API give a loaded machine more than the default.
func WithSniff(d time.Duration) Option {
	return func(c *emulator.Config) error { c.Sniff = d; return nil }
}

// WithInsecureMySQL lets clients reach the MySQL edge without TLS, which
// PlanetScale refuses.
func WithInsecureMySQL() Option {
	return func(c *emulator.Config) error { c.InsecureMySQL = true; return nil }
}

// WithTokenAccesses gives the service token only these accesses (see
// emulator.Accesses) instead of all of them.
func WithTokenAccesses(accesses ...string) Option {
	return func(c *emulator.Config) error {
		c.TokenAccesses = append([]string{}, accesses...)
		return nil
	}
}

// WithTokenDatabases limits the service token to these databases, as a
// token granted on some databases only (serve --token-database).
func WithTokenDatabases(names ...string) Option {
	return func(c *emulator.Config) error {
		c.TokenDatabases = append([]string{}, names...)
		return nil
	}
}

// WithDataBranching turns allow_data_branching on for every database, as serve --data-branching
// does; a new database has it off, as on PlanetScale.
func WithDataBranching() Option {
	return func(c *emulator.Config) error { c.DataBranching = true; return nil }
}

// WithLogger sends the emulator's log lines to l.
func WithLogger(l *slog.Logger) Option {
	return func(c *emulator.Config) error { c.Logger = l; return nil }
}

// Start runs an emulator for a test on 127.0.0.1 at a random port, from emulator.Defaults, with a
// TLS-only MySQL edge (ClientTLS, CAFile); its cleanup drops every database and user it made.
func Start(t testing.TB, opts ...Option) *emulator.Emulator {
	t.Helper()
	cfg := emulator.Defaults()
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			t.Fatalf("emulator option: %v", err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	e, stop, err := emulator.StartLocal(ctx, cfg)
	if err != nil {
		t.Fatalf("start emulator: %v", err)
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Error(err)
		}
	})
	return e
}

// MySQLDSNEnv names the environment variable holding the external MySQL
// server tests run against as well as the embedded one.
const MySQLDSNEnv = "PSFLOW_TEST_MYSQL_DSN"

// EachStorage runs fn as subtest "embedded" and, when PSFLOW_TEST_MYSQL_DSN is set, "mysql" with
// WithMySQL(dsn); under CI without the variable the test fails, as CI must cover real MySQL.
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

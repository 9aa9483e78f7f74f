package emulator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/psflow/psflow/pkg/emulator/internal/storage"
)

// slugName is the shape of organization and database names.
var slugName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

func (c Config) validate() error {
	if !slugName.MatchString(c.Org) {
		return fmt.Errorf("organization name %q: want lowercase letters, digits, - or _", c.Org)
	}
	seen := map[string]bool{}
	for _, d := range c.Databases {
		if !slugName.MatchString(d) {
			return fmt.Errorf("database name %q: want lowercase letters, digits, - or _", d)
		}
		if seen[d] {
			return fmt.Errorf("database %q given twice", d)
		}
		seen[d] = true
	}
	if c.TokenID == "" || c.Token == "" {
		return errors.New("a service token id and secret are required")
	}
	for _, t := range c.ExtraTokens {
		if t.ID == "" || t.Secret == "" || t.ID == c.TokenID || strings.Contains(t.ID, ":") {
			return fmt.Errorf("extra service token %q: want a distinct id without ':' and a secret", t.ID)
		}
	}
	if _, err := accessSet(c.TokenAccesses); err != nil {
		return err
	}
	for _, d := range c.TokenDatabases {
		if !slices.Contains(c.Databases, d) {
			return fmt.Errorf("service token database %q: not one of the databases (%s)", d, strings.Join(c.Databases, ", "))
		}
	}
	for _, b := range c.SafeMigrations {
		if b != defaultBranch {
			return fmt.Errorf("safe migrations on %q: only %s exists at start", b, defaultBranch)
		}
	}
	return nil
}

// New starts the storage (embedded unless cfg.MySQLDSN is set), creates the configured
// databases and returns an emulator ready to serve; Close drops all it created.
func New(ctx context.Context, cfg Config) (*Emulator, error) {
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("emulator config: %w", err)
	}
	store, err := openStore(ctx, cfg.MySQLDSN)
	if err != nil {
		return nil, err
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	now := time.Now()
	e := &Emulator{
		cfg:     cfg,
		timings: cfg.Timings.Scale(cfg.TimeScale),
		log:     logger,
		store:   store,
		prefix:  randomString(6),
		sched:   newScheduler(),
		limiter: newRateLimiter(cfg.RateLimit),
		reqlog:  newRequestLog(),
		org:     organization{id: randomString(12), name: cfg.Org, createdAt: now},
		dbs:     map[string]*database{},
		tokens:  map[string]string{cfg.TokenID: cfg.Token},
	}
	for _, t := range cfg.ExtraTokens {
		e.tokens[t.ID] = t.Secret
	}
	if cfg.TokenAccesses != nil {
		granted, _ := accessSet(cfg.TokenAccesses) // checked by validate
		e.accesses = map[string]map[string]bool{cfg.TokenID: granted}
	}
	if cfg.TokenDatabases != nil {
		e.tokenDBs = map[string]map[string]bool{cfg.TokenID: {}}
		for _, d := range cfg.TokenDatabases {
			e.tokenDBs[cfg.TokenID][d] = true
		}
	}
	e.handler = e.routes()
	if err := e.startEdge(); err != nil {
		return nil, errors.Join(err, e.Close())
	}
	for _, name := range cfg.Databases {
		if err := e.createDatabase(ctx, name); err != nil {
			return nil, errors.Join(err, e.Close())
		}
	}
	return e, nil
}

// openStore opens the external server, or starts the embedded one.
func openStore(ctx context.Context, dsn string) (*storage.Server, error) {
	if dsn == "" {
		s, err := storage.StartEmbedded(ctx)
		if err != nil {
			return nil, fmt.Errorf("start embedded mysql: %w", err)
		}
		return s, nil
	}
	s, err := storage.Open(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("open mysql: %w", err)
	}
	return s, nil
}

// Close stops serving, stops every timer and state machine, drops every
// database and user the emulator created and stops the storage.
func (e *Emulator) Close() error {
	e.closeOnce.Do(func() {
		e.mu.Lock()
		e.closed = true
		srv := e.srv
		e.mu.Unlock()
		var errs []error
		if srv != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if err := srv.Shutdown(ctx); err != nil {
				errs = append(errs, srv.Close())
			}
			cancel()
		}
		e.sched.stop()
		if err := e.closeEdge(); err != nil {
			errs = append(errs, err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := e.store.DropUsersWithPrefix(ctx, e.userPrefix()); err != nil {
			errs = append(errs, fmt.Errorf("drop users: %w", err))
		}
		if err := e.store.DropDatabasesWithPrefix(ctx, e.databasePrefix()); err != nil {
			errs = append(errs, fmt.Errorf("drop databases: %w", err))
		}
		errs = append(errs, e.store.Close())
		e.closeErr = errors.Join(errs...)
	})
	return e.closeErr
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/psflow/psflow/pkg/emulator"
)

// serveFlags are the flags of the serve command.
type serveFlags struct {
	listen    string
	org       string
	databases listFlag
	tokenID   string
	token     string
	mysqlDSN  string
	timings   string
	timeScale float64
	rateLimit int

	safeMigrations  listFlag
	requireApproval bool
	dataBranching   bool
	extraTokens     listFlag
	tokenAccesses   listFlag
	tokenDatabases  listFlag

	mysqlListen   string
	insecureMySQL bool
	sniff         time.Duration
	caFile        string

	maxRows       int
	dmlTimeout    time.Duration
	selectTimeout time.Duration
	txTimeout     time.Duration
}

// listFlag is a flag that may be repeated.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func (f *serveFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.listen, "listen", "127.0.0.1:8787", "address to listen on (host:port)")
	fs.StringVar(&f.org, "org", "acme", "organization name")
	fs.Var(&f.databases, "database", "database to create with a production branch main (repeatable; default app)")
	fs.StringVar(&f.tokenID, "token-id", "", "service token id clients must send (required)")
	fs.StringVar(&f.token, "token", "", "service token secret clients must send (required)")
	fs.StringVar(&f.mysqlDSN, "mysql-dsn", "", "external MySQL/MariaDB server: a go-sql-driver DSN with admin rights, over tcp(host:port) or unix(/path/to.sock); empty starts an embedded server")
	// The default is fast, not zero: with zero a new branch is ready at
	// once and a deploy is complete as soon as it is queued, so a client
	// that never polls passes here and fails on PlanetScale, where a
	// branch takes a while and a deploy passes through queued, submitting,
	// in_progress and the cutover states (spec: deployment.state;
	// planetscale.com/docs/vitess/schema-changes/deploy-requests).
	fs.StringVar(&f.timings, "timings", emulator.ProfileFast, "timing profile: "+strings.Join(emulator.ProfileNames(), ", ")+"; fast, the default, makes every waiting state observable, zero skips them")
	fs.Float64Var(&f.timeScale, "time-scale", 1, "multiply every timing by this factor")
	fs.IntVar(&f.rateLimit, "rate-limit", emulator.DefaultRateLimit, "requests per minute per service token (0 disables)")
	fs.Var(&f.safeMigrations, "safe-migrations", "branch to start with safe migrations on, in every database (main; off by default, as on a new PlanetScale database)")
	fs.BoolVar(&f.requireApproval, "require-approval", false, "start every database with require_approval_for_deploy on")
	fs.BoolVar(&f.dataBranching, "data-branching", false, "start every database with allow_data_branching on (off by default, as on a new PlanetScale database), so branches may be created with seed_data")
	fs.Var(&f.extraTokens, "extra-token", "another service token, ID:SECRET, of another administrator (a reviewer); repeatable")
	fs.Var(&f.tokenAccesses, "token-access", "an access of the --token-id service token, e.g. create_branch,delete_branch (comma-separated or repeatable; default every access)")
	fs.Var(&f.tokenDatabases, "token-database", "limit the --token-id service token to this database, as a token granted on some databases only (comma-separated or repeatable; default every database)")
	fs.StringVar(&f.mysqlListen, "mysql-listen", "127.0.0.1:0", "address of the MySQL edge the API hands out (host:port; port 0 picks a free one)")
	fs.BoolVar(&f.insecureMySQL, "insecure-mysql", false, "accept MySQL connections without TLS, which PlanetScale refuses")
	fs.DurationVar(&f.sniff, "sniff", emulator.DefaultSniff, "how long a new connection to the MySQL address has to start TLS to be served the HTTP SQL API "+
		"(pscale connect, @planetscale/database) instead of MySQL; MySQL clients wait this long for the greeting; negative serves MySQL only")
	fs.StringVar(&f.caFile, "mysql-ca-file", "", "write the MySQL edge's CA certificate (PEM) here; default: a file in a temporary directory, removed on exit")
	// PlanetScale's query limits (planetscale.com/docs/reference/
	// planetscale-system-limits), on by default as there.
	fs.IntVar(&f.maxRows, "max-rows", emulator.DefaultMaxRows, "rows a statement may return, update or delete through the MySQL edge (0 turns the limit off)")
	fs.DurationVar(&f.dmlTimeout, "dml-timeout", emulator.DefaultDMLTimeout, "how long a statement other than a read may run (0 turns the limit off)")
	fs.DurationVar(&f.selectTimeout, "select-timeout", emulator.DefaultSelectTimeout, "how long a read may run (0 turns the limit off)")
	fs.DurationVar(&f.txTimeout, "transaction-timeout", emulator.DefaultTxTimeout, "how long a transaction may stay open before it is rolled back (0 turns the limit off)")
}

// limits are the query limits the flags give: 0 turns one off.
func (f *serveFlags) limits() (emulator.Limits, error) {
	if f.maxRows < 0 || f.dmlTimeout < 0 || f.selectTimeout < 0 || f.txTimeout < 0 {
		return emulator.Limits{}, usageError("--max-rows, --dml-timeout, --select-timeout and --transaction-timeout must not be negative")
	}
	off := func(d time.Duration) time.Duration {
		if d == 0 {
			return -1
		}
		return d
	}
	rows := f.maxRows
	if rows == 0 {
		rows = -1
	}
	return emulator.Limits{MaxRows: rows, DMLTimeout: off(f.dmlTimeout), SelectTimeout: off(f.selectTimeout), TxTimeout: off(f.txTimeout)}, nil
}

// fromEnv fills every flag not given on the command line from
// PSFLOW_EMULATOR_<NAME>.
func fromEnv(fs *flag.FlagSet, getenv func(string) string) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		name := "PSFLOW_EMULATOR_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		v := getenv(name)
		if set[f.Name] || v == "" {
			return
		}
		for _, part := range strings.Split(v, ",") {
			if err := fs.Set(f.Name, strings.TrimSpace(part)); err != nil {
				errs = append(errs, usageError("%s: %v", name, err))
			}
			if _, repeatable := f.Value.(*listFlag); !repeatable {
				break
			}
		}
	})
	return errors.Join(errs...)
}

// config turns the flags into an emulator configuration.
func (f *serveFlags) config(logger *slog.Logger) (emulator.Config, error) {
	if f.tokenID == "" || f.token == "" {
		return emulator.Config{}, usageError("--token-id and --token (or PSFLOW_EMULATOR_TOKEN_ID and PSFLOW_EMULATOR_TOKEN) are required")
	}
	timings, err := emulator.ProfileTimings(f.timings)
	if err != nil {
		return emulator.Config{}, usageError("%v", err)
	}
	if f.timeScale <= 0 {
		return emulator.Config{}, usageError("--time-scale must be positive")
	}
	if f.rateLimit < 0 {
		return emulator.Config{}, usageError("--rate-limit must not be negative")
	}
	limits, err := f.limits()
	if err != nil {
		return emulator.Config{}, err
	}
	dbs := []string(f.databases)
	if len(dbs) == 0 {
		dbs = []string{"app"}
	}
	var extra []emulator.Token
	for _, t := range f.extraTokens {
		id, secret, ok := strings.Cut(t, ":")
		if !ok || id == "" || secret == "" {
			return emulator.Config{}, usageError("--extra-token %q: want ID:SECRET", redactSecret(t))
		}
		extra = append(extra, emulator.Token{ID: id, Secret: secret})
	}
	accesses := splitList(f.tokenAccesses)
	if len(f.tokenAccesses) > 0 {
		known := emulator.Accesses()
		for _, name := range accesses {
			if !slices.Contains(known, name) {
				return emulator.Config{}, usageError("--token-access %q: unknown access; known: %s", name, strings.Join(known, ", "))
			}
		}
		if accesses == nil {
			accesses = []string{}
		}
	}
	return emulator.Config{
		Org: f.org, Databases: dbs, TokenID: f.tokenID, Token: f.token, MySQLDSN: f.mysqlDSN,
		Timings: timings, TimeScale: f.timeScale, RateLimit: f.rateLimit, Logger: logger,
		ExtraTokens: extra, SafeMigrations: f.safeMigrations, RequireApproval: f.requireApproval, DataBranching: f.dataBranching,
		TokenAccesses: accesses, TokenDatabases: splitList(f.tokenDatabases), MySQLListen: f.mysqlListen, InsecureMySQL: f.insecureMySQL, Sniff: f.sniff, CAFile: f.caFile,
		Limits: limits,
	}, nil
}

// redactSecret keeps what comes before the first colon of an ID:SECRET
// value.
func redactSecret(v string) string {
	if id, _, ok := strings.Cut(v, ":"); ok {
		return id + ":***"
	}
	return "***"
}

// serve runs the emulator until ctx is cancelled, then drops everything it
// created.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("psflow-emulator serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f serveFlags
	f.register(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError("%v", err)
	}
	if fs.NArg() > 0 {
		return usageError("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if err := fromEnv(fs, getenv); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	cfg, err := f.config(logger)
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", f.listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", f.listen, err)
	}
	e, err := emulator.New(ctx, cfg)
	if err != nil {
		_ = l.Close()
		return err
	}
	served := make(chan error, 1)
	go func() { served <- e.Serve(l) }()
	url := "http://" + l.Addr().String()
	tls := "TLS required"
	if cfg.InsecureMySQL {
		tls = "TLS optional"
	}
	// One line to copy into a shell; the token itself is a secret and is
	// named, not printed.
	sqlServed := "MySQL and the HTTP SQL API"
	if cfg.Sniff < 0 {
		sqlServed = "MySQL"
	}
	fmt.Fprintf(stdout, "psflow-emulator serving %s on %s, %s on %s (%s; PLANETSCALE_SERVICE_TOKEN is the --token value): "+
		"export PLANETSCALE_API_URL=%s PLANETSCALE_ORG=%s PLANETSCALE_SERVICE_TOKEN_ID=%s PSFLOW_MYSQL_CA=%s PSFLOW_DATABASE=%s\n",
		strings.Join(cfg.Databases, ","), url, sqlServed, e.MySQLAddr(), tls, url, cfg.Org, cfg.TokenID, e.CAFile(), cfg.Databases[0])
	select {
	case <-ctx.Done():
		logger.Info("shutting down")
	case err := <-served:
		return errors.Join(err, e.Close())
	}
	err = e.Close()
	return errors.Join(err, <-served)
}

// splitList splits each value of a list flag at commas, dropping empty
// names; nil when there are none.
func splitList(values listFlag) []string {
	var out []string
	for _, v := range values {
		for _, name := range strings.Split(v, ",") {
			if name = strings.TrimSpace(name); name != "" {
				out = append(out, name)
			}
		}
	}
	return out
}

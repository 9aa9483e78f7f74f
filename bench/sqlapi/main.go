// Command sqlapi measures a one-row SELECT's round trip through the emulator's HTTP SQL API,
// by psdb's client and as @planetscale/database sends it, against its MySQL edge
// (docs/design/bench.md). It prints a markdown table.
//
//	go run ./bench/sqlapi [-n 3000] [-block 100] [-mysql-dsn DSN]
package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"runtime/pprof"
	"time"

	"connectrpc.com/connect"
	"github.com/go-sql-driver/mysql"
	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/planetscale/psdb/auth"
	psdbclient "github.com/planetscale/psdb/core/client"
	psdbpb "github.com/planetscale/psdb/types/psdb/v1alpha1"
	"github.com/planetscale/psdb/types/psdb/v1alpha1/psdbv1alpha1connect"
	"github.com/psflow/psflow/bench/internal/benchkit"
	"github.com/psflow/psflow/pkg/emulator"
)

// database is the benchmark's database; query is the one-row SELECT
// every path runs.
const database, query = "app", "SELECT id, name, stars FROM hotels WHERE id = 1"

func main() {
	n := flag.Int("n", 3000, "round trips per path")
	block := flag.Int("block", 100, "round trips of one path before the next path's turn")
	dsn := flag.String("mysql-dsn", benchkit.DefaultDSN(), "the emulator's storage; empty: embedded")
	only := flag.Int("only", -1, "run only this path (0 MySQL edge, 1 psdb, 2 JSON), for -cpuprofile")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the timed round trips here")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "sqlapi:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	onlyPath = *only
	if err := run(*n, *block, *dsn); err != nil {
		fmt.Fprintln(os.Stderr, "sqlapi:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

// onlyPath is -only.
var onlyPath = -1

// path is one way to the branch: a name and one round trip.
type path struct {
	name  string
	trip  func(context.Context) error
	times []time.Duration
}

func run(n, block int, dsn string) error {
	ctx := context.Background()
	em, err := benchkit.StartEmulator(ctx, emulator.Config{MySQLDSN: dsn, Databases: []string{database}})
	if err != nil {
		return err
	}
	defer em.Stop()
	storageDB, _ := em.BranchDatabase(database, "main")
	for _, stmt := range []string{benchkit.ProductionSchema, "INSERT INTO hotels (name, address, stars) VALUES ('Grand', 'Main Street 1', 4.5)"} {
		if err := em.Storage().Exec(ctx, storageDB, stmt); err != nil {
			return err
		}
	}
	client, err := ps.NewClient(ps.WithBaseURL(em.URL()), ps.WithServiceToken(em.TokenID(), em.Token()))
	if err != nil {
		return err
	}
	pw, err := client.Passwords.Create(ctx, &ps.DatabaseBranchPasswordRequest{Organization: benchkit.Org, Database: database, Branch: "main", Role: "reader", TTL: 3600})
	if err != nil {
		return fmt.Errorf("create a password: %w", err)
	}
	paths, closeAll, err := openPaths(ctx, em, pw)
	if err != nil {
		return err
	}
	defer closeAll()
	if onlyPath >= 0 {
		paths = paths[onlyPath : onlyPath+1]
	}
	for _, p := range paths { // warm up
		for range block {
			if err := p.trip(ctx); err != nil {
				return fmt.Errorf("%s: %w", p.name, err)
			}
		}
	}
	for done := 0; done < n; done += block {
		fmt.Fprintf(os.Stderr, "%d/%d\n", done, n)
		for _, p := range paths {
			for range min(block, n-done) {
				start := time.Now()
				if err := p.trip(ctx); err != nil {
					return fmt.Errorf("%s: %w", p.name, err)
				}
				p.times = append(p.times, time.Since(start))
			}
		}
	}
	report(paths, n, block, benchkit.StorageName(ctx, dsn))

	return nil
}

// openPaths opens the three paths on pw.
func openPaths(ctx context.Context, em *benchkit.Emulator, pw *ps.DatabaseBranchPassword) ([]*path, func(), error) {
	if err := mysql.RegisterTLSConfig("emulator", em.ClientTLS()); err != nil {
		return nil, nil, err
	}
	db, err := sql.Open("mysql", fmt.Sprintf("%s:%s@tcp(%s)/%s?tls=emulator", pw.Username, pw.PlainText, pw.Hostname, database))
	if err != nil {
		return nil, nil, err
	}
	db.SetMaxOpenConns(1)
	var id int
	var name string
	var stars float64
	edge := &path{name: "MySQL edge (go-sql-driver/mysql, TLS)", trip: func(ctx context.Context) error {
		return db.QueryRowContext(ctx, query).Scan(&id, &name, &stars)
	}}

	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(em.CAPEM())
	api := psdbclient.New(pw.Hostname, psdbv1alpha1connect.NewDatabaseClient, auth.NewBasicAuth(pw.Username, pw.PlainText),
		psdbclient.WithTLSConfig(psdbclient.TLSConfigWithCertPool(roots)))
	var session *psdbpb.Session
	proto := &path{name: "HTTP SQL API, psdb client (protobuf, s2, HTTP/2)", trip: func(ctx context.Context) error {
		res, err := api.Execute(ctx, connect.NewRequest(&psdbpb.ExecuteRequest{Session: session, Query: query}))
		if err != nil {
			return err
		}
		session = res.Msg.GetSession()
		return oneRow(len(res.Msg.GetResult().GetRows()), res.Msg.GetError())
	}}

	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}}}
	url := "https://" + pw.Hostname + "/psdb.v1alpha1.Database/Execute"
	var jsonSession json.RawMessage = []byte("null")
	jsonPath := &path{name: "HTTP SQL API, JSON (as @planetscale/database, HTTP/1.1)", trip: func(ctx context.Context) error {
		body, _ := json.Marshal(map[string]any{"query": query, "session": jsonSession})
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.SetBasicAuth(pw.Username, pw.PlainText)
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		var out struct {
			Session json.RawMessage
			Result  struct{ Rows []json.RawMessage }
			Error   *struct{ Message string }
		}
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			return err
		}
		jsonSession = out.Session
		if out.Error != nil {
			return errors.New(out.Error.Message)
		}
		return oneRow(len(out.Result.Rows), nil)
	}}
	return []*path{edge, proto, jsonPath}, func() { _ = db.Close(); hc.CloseIdleConnections() }, nil
}

// oneRow checks an API answer: one row, no error.
func oneRow(rows int, rpcErr interface{ GetMessage() string }) error {
	if rpcErr != nil && rpcErr.GetMessage() != "" {
		return errors.New(rpcErr.GetMessage())
	}
	if rows != 1 {
		return fmt.Errorf("%d rows, want 1", rows)
	}
	return nil
}

// report prints each path's median, p90 and p99, and its median's ratio
// to the MySQL edge's.
func report(paths []*path, n, block int, storage string) {
	fmt.Printf("`go run ./bench/sqlapi -n %d -block %d`: %s, storage %s.\n\n", n, block, benchkit.Machine(), storage)
	fmt.Println("| Path | Median | p90 | p99 | Median vs MySQL edge |")
	fmt.Println("|---|---|---|---|---|")
	base := benchkit.Percentile(paths[0].times, 50)
	for _, p := range paths {
		med := benchkit.Percentile(p.times, 50)
		fmt.Printf("| %s | %s | %s | %s | %.2f× |\n", p.name, us(med), us(benchkit.Percentile(p.times, 90)), us(benchkit.Percentile(p.times, 99)), float64(med)/float64(base))
	}
}

func us(d time.Duration) string { return fmt.Sprintf("%d µs", d.Microseconds()) }

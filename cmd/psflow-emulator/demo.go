package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/psflow/psflow/pkg/emulator"
)

// demoFlags are the flags of the demo command.
type demoFlags struct {
	psflow   string
	mysqlDSN string
	timings  string
}

// demo runs two pull requests' lives with the real psflow binary against an emulator, as the
// example workflow does, showing each step's outputs and summary and production's schema.
func demo(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("psflow-emulator demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f demoFlags
	fs.StringVar(&f.psflow, "psflow", "", "psflow binary to run (default: build it from this source tree, else psflow on PATH)")
	fs.StringVar(&f.mysqlDSN, "mysql-dsn", "", "external MySQL/MariaDB server; empty starts an embedded one")
	fs.StringVar(&f.timings, "timings", emulator.ProfileFast, "timing profile: "+strings.Join(emulator.ProfileNames(), ", "))
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError("%v", err)
	}
	timings, err := emulator.ProfileTimings(f.timings)
	if err != nil {
		return usageError("%v", err)
	}
	work, err := os.MkdirTemp("", "psflow-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	bin, err := findPsflow(ctx, f.psflow, work, stderr)
	if err != nil {
		return err
	}

	em, url, stop, err := startDemoEmulator(ctx, f.mysqlDSN, timings)
	if err != nil {
		return err
	}
	defer stop()
	d := &demoRun{em: em, url: url, bin: bin, work: work, out: stdout, getenv: getenv}
	return d.run(ctx)
}

// startDemoEmulator serves an emulator on a free loopback port.
func startDemoEmulator(ctx context.Context, dsn string, timings emulator.Timings) (*emulator.Emulator, string, func(), error) {
	cfg := emulator.Config{
		Org: "acme", Databases: []string{"app"}, TokenID: "demo", Token: "pscale_tkn_" + randomHex(16),
		MySQLDSN: dsn, Timings: timings, TimeScale: 1, RateLimit: emulator.DefaultRateLimit,
		SafeMigrations: []string{"main"},
	}
	em, stop, err := emulator.StartLocal(ctx, cfg)
	if err != nil {
		return nil, "", nil, err
	}
	return em, em.URL(), func() { _ = stop() }, nil
}

// findPsflow returns the psflow binary to run: the one named, a fresh
// build of this source tree, or psflow on PATH.
func findPsflow(ctx context.Context, named, work string, stderr io.Writer) (string, error) {
	if named != "" {
		return named, nil
	}
	if data, err := os.ReadFile("go.mod"); err == nil && strings.HasPrefix(string(data), "module github.com/psflow/psflow\n") {
		bin := filepath.Join(work, "psflow")
		cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/psflow")
		cmd.Stdout, cmd.Stderr = stderr, stderr
		if err := cmd.Run(); err != nil {
			return "", fmt.Errorf("build psflow: %w", err)
		}
		return bin, nil
	}
	bin, err := exec.LookPath("psflow")
	if err != nil {
		return "", usageError("no psflow binary: run from the psflow source tree, put psflow on PATH or pass --psflow")
	}
	return bin, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

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

// writeFiles writes name → content under dir.
func writeFiles(dir string, files map[string]string) error {
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			return err
		}
	}
	return nil
}

// pullRequestEvent is the payload GitHub puts at GITHUB_EVENT_PATH.
func pullRequestEvent(pr demoPR, action string, merged bool) string {
	state := "open"
	if action == "closed" {
		state = "closed"
	}
	data, _ := json.Marshal(map[string]any{
		"action": action, "number": pr.number,
		"pull_request": map[string]any{
			"number": pr.number, "title": pr.title, "state": state, "merged": merged,
			"html_url": fmt.Sprintf("https://github.com/acme/bookings-api/pull/%d", pr.number),
			"head":     map[string]any{"ref": pr.head}, "base": map[string]any{"ref": "main"},
		},
	})
	return string(data)
}

// indent copies r to w with every line indented.
func indent(w io.Writer, r io.Reader, prefix string) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		fmt.Fprintf(w, "%s%s\n", prefix, sc.Text())
	}
}

// since formats an elapsed time for the demo's log.
func since(t time.Time) string { return time.Since(t).Round(time.Millisecond).String() }

// Command size measures what users download and wait for: the psflow
// binary's size as built by default and for release (the Dockerfile's
// flags), the image the Dockerfile would produce, and the wall time of
// `psflow version`. With PSFLOW_PSCALE naming a pscale binary it measures
// that too, in the same run. It prints a markdown table.
//
//	go run ./bench/size [-runs 200]
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"
)

func main() {
	runs := flag.Int("runs", 200, "how many times to start each binary")
	flag.Parse()
	if err := run(*runs); err != nil {
		fmt.Fprintln(os.Stderr, "size:", err)
		os.Exit(1)
	}
}

func run(runs int) error {
	dir, err := os.MkdirTemp("", "psflow-size-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	plain, release := filepath.Join(dir, "psflow"), filepath.Join(dir, "psflow-release")
	if err := build(plain); err != nil {
		return err
	}
	if err := build(release, "-trimpath", "-ldflags", "-s -w"); err != nil {
		return err
	}
	certs, err := os.Stat("/etc/ssl/certs/ca-certificates.crt")
	if err != nil {
		return fmt.Errorf("CA certificates (the image's other file): %w", err)
	}
	fmt.Println("| Binary | Size | `version` median | `version` p95 |")
	fmt.Println("|---|---|---|---|")
	for _, b := range []struct{ name, path string }{{"psflow (go build)", plain}, {"psflow (release: -trimpath -s -w)", release}, {"pscale", os.Getenv("PSFLOW_PSCALE")}} {
		if b.path == "" {
			fmt.Printf("| %s | not run (set PSFLOW_PSCALE) | | |\n", b.name)
			continue
		}
		info, err := os.Stat(b.path)
		if err != nil {
			return err
		}
		med, p95, err := startTime(b.path, runs)
		if err != nil {
			return err
		}
		fmt.Printf("| %s | %.1f MB | %s | %s |\n", b.name, mb(info.Size()), med, p95)
	}
	rel, _ := os.Stat(release)
	fmt.Printf("\nImage from the Dockerfile (scratch + release binary + CA certificates): %.1f MB (%.1f MB + %.2f MB)\n",
		mb(rel.Size()+certs.Size()), mb(rel.Size()), mb(certs.Size()))
	return nil
}

func build(out string, flags ...string) error {
	args := append(append([]string{"build", "-o", out}, flags...), "./cmd/psflow")
	cmd := exec.Command("go", args...)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	cmd.Stderr = os.Stderr
	return cmd.Run()
}

// startTime runs `bin version` n times and returns the median and p95.
func startTime(bin string, n int) (time.Duration, time.Duration, error) {
	times := make([]time.Duration, 0, n)
	for range n {
		start := time.Now()
		if err := exec.Command(bin, "version").Run(); err != nil {
			return 0, 0, fmt.Errorf("%s version: %w", bin, err)
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	round := func(d time.Duration) time.Duration { return d.Round(10 * time.Microsecond) }
	return round(times[n/2]), round(times[n*95/100]), nil
}

func mb(n int64) float64 { return float64(n) / 1e6 }

package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/psflow/psflow/bench/internal/benchkit"
)

// runPsflow runs one lifecycle as psflow processes, the schema change
// made through the storage between create-branch and open-deploy-request.
func (s *scenario) runPsflow(ctx context.Context, lc *lifecycle) error {
	steps := [][]string{
		{"create-branch"},
		nil,
		{"open-deploy-request", "--comment=false"},
		{"wait-and-deploy", "--comment=false"},
		{"delete-branch"},
	}
	for _, args := range steps {
		if args == nil {
			if err := s.exec(ctx, lc.database, lc.branch, benchkit.SchemaChange); err != nil {
				return fmt.Errorf("schema change: %w", err)
			}
			continue
		}
		if err := s.psflowStep(ctx, lc, args); err != nil {
			return err
		}
	}
	return nil
}

// psflowStep runs one psflow subcommand, timestamping each stderr line
// as it arrives and keeping the state changes it reports.
func (s *scenario) psflowStep(ctx context.Context, lc *lifecycle, args []string) error {
	full := append([]string{args[0], "--branch", lc.branch}, args[1:]...)
	cmd := exec.CommandContext(ctx, s.cfg.psflow, full...)
	cmd.Env = s.em.PsflowEnv(lc.database, filepath.Join(s.cfg.work, lc.database+".env"))
	cmd.Stdout = io.Discard
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("psflow %s: %w", args[0], err)
	}
	var last string
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		at, line := time.Now(), sc.Text()
		if o, ok := parseStateLine(line, at); ok {
			lc.obs = append(lc.obs, o)
		}
		if strings.Contains(line, "retrying ") {
			lc.retries++
		}
		last = line
	}
	if err := cmd.Wait(); err != nil {
		// psflow's last line says what failed
		return fmt.Errorf("%w: %s", err, last)
	}
	return nil
}

// stateLine is the waiter's log line, "<what>: <state> (after <d>)",
// optionally after a UTC time stamp.
var stateLine = regexp.MustCompile(`^(?:\d\d:\d\d:\d\d\.\d+Z )?(.+): ([a-z_]+(?: [a-z_]+)?) \(after [^)]*\)$`)

// parseStateLine reads a state change from a psflow log line: a branch's
// readiness or a deploy request's deployment state (its diff included).
func parseStateLine(line string, at time.Time) (observation, bool) {
	m := stateLine.FindStringSubmatch(line)
	if m == nil {
		return observation{}, false
	}
	what, state := m[1], m[2]
	switch {
	case strings.HasPrefix(what, "branch "):
		return observation{kind: kindBranch, state: state, at: at}, true
	case strings.Contains(what, "deploy request #"):
		return observation{kind: kindDeploy, state: state, at: at}, true
	}
	return observation{}, false
}

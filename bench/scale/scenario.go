package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/psflow/psflow/bench/internal/benchkit"
)

// config is what every scenario shares.
type config struct {
	ns        []int
	clients   []string
	timeScale float64
	rateLimit int
	dsn       string
	psflow    string
	timeout   time.Duration
	work      string
	verbose   bool // print each scenario's API calls by endpoint
}

// Clients a scenario can run.
const (
	clientPsflow = "psflow"
	clientFixed  = "fixed"
)

// observation is a client noticing a state: "ready" of its branch, or a
// deployment state of its deploy request.
type observation struct {
	kind  string // kindBranch or kindDeploy
	state string
	at    time.Time
}

// Kinds of observation.
const (
	kindBranch = "branch"
	kindDeploy = "deploy"
)

// lifecycle is one pull request's run: its database and branch, what the
// client saw and how it ended.
type lifecycle struct {
	i        int
	database string
	branch   string
	obs      []observation
	retries  int // "retrying" lines psflow logged
	start    time.Time
	end      time.Time
	err      error
}

// scenario is one client running N lifecycles against one emulator.
type scenario struct {
	cfg    config
	client string
	em     *benchkit.Emulator

	mu      sync.Mutex
	readyAt map[string]time.Time // branch ready time per database, sampled from State
}

// scenarioResult is what a scenario measured.
type scenarioResult struct {
	n          int
	client     string
	failed     int
	errs       []string
	wall       time.Duration
	lifecycles []time.Duration // of the runs that succeeded
	hits       []benchkit.Hit
	counted    int            // the emulator's own count of API requests
	endpoints  map[string]int // the same by endpoint, 429s included
	delays     map[string][]time.Duration
	retries    int
	unseen     int // state changes the client never noticed
	skipped    int // states the client never saw (it saw a later one)
	start      time.Time
}

// exec runs a statement on a branch's storage database.
func (s *scenario) exec(ctx context.Context, database, branch, stmt string) error {
	db, ok := s.em.BranchDatabase(database, branch)
	if !ok {
		return fmt.Errorf("branch %s of %s does not exist", branch, database)
	}
	return s.em.Storage().Exec(ctx, db, stmt)
}

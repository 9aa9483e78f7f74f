package emulator

import (
	"sort"
	"time"
)

// State is a snapshot of everything the emulator holds, for demos and
// tests (GET /__emulator/state).
type State struct {
	Org       string          `json:"org"`
	RateLimit int             `json:"rate_limit"`
	Timings   Timings         `json:"timings"`
	Databases []DatabaseState `json:"databases"`
}

// DatabaseState is one database of a State.
type DatabaseState struct {
	Name           string               `json:"name"`
	Branches       []BranchState        `json:"branches"`
	Backups        []BackupState        `json:"backups"`
	DeployRequests []DeployRequestState `json:"deploy_requests"`
}

// BranchState is one branch of a State.
type BranchState struct {
	Name           string `json:"name"`
	Parent         string `json:"parent,omitempty"`
	Production     bool   `json:"production"`
	SafeMigrations bool   `json:"safe_migrations"`
	Ready          bool   `json:"ready"`
	// ReadyAt is when the branch became, or will become, ready; nil while
	// its storage is still being filled.
	ReadyAt         *time.Time      `json:"ready_at,omitempty"`
	StorageDatabase string          `json:"storage_database"`
	Passwords       []PasswordState `json:"passwords"`
}

// PasswordState is one password of a State.
type PasswordState struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Username  string     `json:"username"`
	Role      string     `json:"role"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	Expired   bool       `json:"expired"`
}

// BackupState is one backup of a State.
type BackupState struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	Branch          string `json:"branch"`
	State           string `json:"state"`
	StorageDatabase string `json:"storage_database"`
}

// DeployRequestState is one deploy request of a State.
type DeployRequestState struct {
	Number          uint64   `json:"number"`
	Branch          string   `json:"branch"`
	IntoBranch      string   `json:"into_branch"`
	State           string   `json:"state"`
	DeploymentState string   `json:"deployment_state"`
	History         []string `json:"history"`
	// Transitions are the states of History with the time each began.
	Transitions []Transition `json:"transitions"`
	DeployCalls int          `json:"deploy_calls"`
	Statements  []string     `json:"statements"`
	Error       string       `json:"error,omitempty"`
}

// Transition is one deployment state a deploy request entered, and when.
type Transition struct {
	State string    `json:"state"`
	At    time.Time `json:"at"`
}

// State returns a snapshot of the emulator's databases, branches,
// passwords, backups and deploy requests.
func (e *Emulator) State() State {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := time.Now()
	s := State{Org: e.org.name, RateLimit: e.limiter.limit(), Timings: e.timings, Databases: []DatabaseState{}}
	names := make([]string, 0, len(e.dbs))
	for n := range e.dbs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		s.Databases = append(s.Databases, databaseState(e.dbs[n], now))
	}
	return s
}

func databaseState(db *database, now time.Time) DatabaseState {
	ds := DatabaseState{Name: db.name, Branches: []BranchState{}, Backups: []BackupState{}, DeployRequests: []DeployRequestState{}}
	for _, b := range db.sortedBranches() {
		bs := BranchState{
			Name: b.name, Parent: b.parent, Production: b.production, SafeMigrations: b.safeMigrations,
			Ready: b.ready(now), StorageDatabase: b.storageDB, Passwords: []PasswordState{},
		}
		if !b.creating {
			at := b.readyAt
			bs.ReadyAt = &at
		}
		for _, p := range b.passwords {
			ps := PasswordState{ID: p.id, Name: p.name, Username: p.username, Role: p.role, Expired: p.expired(now)}
			if p.ttl > 0 {
				at := p.expiresAt
				ps.ExpiresAt = &at
			}
			bs.Passwords = append(bs.Passwords, ps)
		}
		ds.Branches = append(ds.Branches, bs)
		for _, bk := range db.branchBackups(b) {
			ds.Backups = append(ds.Backups, BackupState{
				ID: bk.id, Name: bk.name, Branch: b.name, State: bk.state(now), StorageDatabase: bk.storageDB,
			})
		}
	}
	for _, dr := range db.drs {
		state := "open"
		if dr.closed {
			state = "closed"
		}
		ds.DeployRequests = append(ds.DeployRequests, DeployRequestState{
			Number: dr.number, Branch: dr.branch, IntoBranch: dr.into, State: state,
			DeploymentState: dr.State, History: append([]string(nil), dr.History...), Transitions: dr.transitions(),
			DeployCalls: dr.calls, Statements: append([]string{}, dr.plan.Merge.Plan.Statements()...), Error: dr.lastErr,
		})
	}
	return ds
}

// transitions pairs each state of a deploy request's history with the time
// it began.
func (dr *deployRequest) transitions() []Transition {
	out := make([]Transition, len(dr.History))
	for i, s := range dr.History {
		out[i] = Transition{State: s, At: dr.Times[i]}
	}
	return out
}

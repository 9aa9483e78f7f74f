package emulator

import (
	"net/http"
	"net/netip"
	"slices"
	"sort"
	"time"

	"github.com/psflow/psflow/pkg/emulator/internal/storage"
)

// organization is the one organization an emulator serves.
type organization struct {
	id, name  string
	createdAt time.Time
}

// database is a PlanetScale database: its branches, backups and deploy
// requests.
type database struct {
	id, name  string
	createdAt time.Time
	branches  map[string]*branch
	backups   map[string]*backup
	drs       []*deployRequest
	// requireApproval is the database setting require_approval_for_deploy.
	requireApproval bool
	// migrations are the settings of automatically copying migration
	// data.
	migrations migrationSettings
	// settings are the other settings of PATCH .../databases/{database}.
	settings  databaseSettings
	updatedAt time.Time
	// schemaUpdatedAt is when the default branch's schema last changed,
	// zero if never; schemaPrint is that schema, to tell a change.
	schemaUpdatedAt time.Time
	schemaPrint     string
}

// branch is a database branch, kept as one storage database.
type branch struct {
	id, name       string
	parent         string // empty for the first production branch
	production     bool
	safeMigrations bool
	storageDB      string
	clusterSize    string
	createdAt      time.Time
	updatedAt      time.Time
	readyAt        time.Time
	restoredFrom   *backup
	passwords      []*password
	retired        []string // MySQL users of deleted passwords: they may define views, triggers, routines
	creating       bool     // its storage database is still being filled
	// deletionProtected is the branch's deletion_protected: while it is
	// on, the branch cannot be deleted.
	deletionProtected bool
	// fork is the branch's fork point: its parent's schema when it was
	// created. Its deploy requests carry its changes since then.
	fork []storage.Table
}

// ready reports whether the branch has finished its (emulated) creation.
func (b *branch) ready(now time.Time) bool { return !b.creating && !now.Before(b.readyAt) }

// password is a branch password: a real MySQL user on the branch database,
// which the MySQL edge logs in as.
type password struct {
	id, name  string
	username  string
	plain     string // the secret, which the edge checks and logs in to storage with
	role      string
	cidrs     []netip.Prefix // client addresses it may be used from; none: any
	cidrText  []string       // cidrs as the request gave them, echoed by the API
	createdAt time.Time
	ttl       int // seconds; 0 means no expiry
	expiresAt time.Time
	replica   bool // a replica password: read-only, routed to replicas
}

// hasUser reports whether user is the MySQL user of one of the branch's
// passwords, deleted ones included.
func (b *branch) hasUser(user string) bool {
	return slices.ContainsFunc(b.passwords, func(p *password) bool { return p.username == user }) || slices.Contains(b.retired, user)
}

// expired reports whether the password's TTL has passed.
func (p *password) expired(now time.Time) bool { return p.ttl > 0 && !now.Before(p.expiresAt) }

// backup is a branch backup, kept as a snapshot storage database.
type backup struct {
	id, name   string
	branch     *branch
	storageDB  string
	createdAt  time.Time
	readyAt    time.Time
	expiresAt  time.Time
	restoredTo []*branch
}

// state is the backup state: pending until it is ready, then success.
func (b *backup) state(now time.Time) string {
	if now.Before(b.readyAt) {
		return "pending"
	}
	return "success"
}

// sortedBranches lists a database's branches by creation time, then name.
func (d *database) sortedBranches() []*branch {
	out := make([]*branch, 0, len(d.branches))
	for _, b := range d.branches {
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].createdAt.Equal(out[j].createdAt) {
			return out[i].name < out[j].name
		}
		return out[i].createdAt.Before(out[j].createdAt)
	})
	return out
}

// descendants lists the branches created from b, transitively.
func (d *database) descendants(b *branch) []*branch {
	var out []*branch
	for _, c := range d.sortedBranches() {
		if c.parent == b.name && c != b {
			out = append(out, c)
			out = append(out, d.descendants(c)...)
		}
	}
	return out
}

// lookupDatabase finds a database of the emulator's organization. The
// caller holds e.mu.
func (e *Emulator) lookupDatabase(org, name string) (*database, error) {
	if org != e.org.name {
		return nil, notFound("organization %s not found", org)
	}
	db := e.dbs[name]
	if db == nil {
		return nil, notFound("database %s not found in organization %s", name, org)
	}
	return db, nil
}

// lookupBranch finds a branch. The caller holds e.mu.
func (e *Emulator) lookupBranch(org, dbName, name string) (*database, *branch, error) {
	db, err := e.lookupDatabase(org, dbName)
	if err != nil {
		return nil, nil, err
	}
	b := db.branches[name]
	if b == nil {
		return nil, nil, notFound("branch %s not found in database %s", name, dbName)
	}
	return db, b, nil
}

// pathDatabase finds the database named in the request path. The caller
// holds e.mu.
func (e *Emulator) pathDatabase(r *http.Request) (*database, error) {
	return e.lookupDatabase(r.PathValue("organization"), r.PathValue("database"))
}

// pathBranch finds the branch named in the request path. The caller holds
// e.mu.
func (e *Emulator) pathBranch(r *http.Request) (*database, *branch, error) {
	return e.lookupBranch(r.PathValue("organization"), r.PathValue("database"), r.PathValue("branch"))
}

// stillThere finds the branch named in the request path again after work
// done without e.mu, and answers 404 if it is gone or was replaced. The
// caller holds e.mu.
func (e *Emulator) stillThere(r *http.Request, b *branch) (*database, error) {
	db, now, err := e.pathBranch(r)
	if err == nil && now != b {
		err = notFound("branch %s not found in database %s", b.name, db.name)
	}
	return db, err
}

package emulator

import (
	"html"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/psflow/psflow/pkg/emulator/internal/deploy"
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

// deployRequest is a request to deploy a branch's schema into another
// branch, with its one deployment.
type deployRequest struct {
	id, deploymentID string
	number           uint64
	branch, into     string
	branchID         string
	keyspace         string
	notes            string
	autoCutover      bool
	autoDeleteBranch bool
	instantDDL       bool

	closed          bool
	branchDeleted   bool
	createdAt       time.Time
	updatedAt       time.Time
	closedAt        time.Time
	branchDeletedAt time.Time

	deploy.Deployment
	lastErr string // why the deployment failed, other than its checks
	calls   int    // deploy calls received

	// The plan: the branch's changes since its fork point, merged onto
	// the target, with the branch schema it was made from.
	plan         deploy.Plan
	files        []schemaFile
	branchTables []storage.Table
	evaluated    bool
	// Why its last deploy was rejected from the queue: the deployments
	// queued ahead its changes collide with, kept while that holds.
	collisions []deploy.Collision

	creator  string // the service tokens that opened it, deployed it and applied its cutover
	deployer string
	applier  string
	approved bool
	reviews  []*review
	queued   queuedSides // what deploy was called with
	before   []string    // the target's schema before the deploy, for revert
	after    []string    // and after it
	keepDB   string      // storage database holding the data the deploy dropped
	// migrationRows is a storage database with the branch's migration table as the cutover found
	// it, moved into the target when the revert window closes; migrationTable names the table.
	migrationRows, migrationTable string
}

// queuedSides are the schemas a deployment was queued with: its branch's fork point and the
// branch as deploy found it; later changes to the branch are not deployed.
type queuedSides struct {
	fork, branch []storage.Table
	set          bool
}

// review is a review of a deploy request: a comment or an approval.
type review struct {
	id, body, state string
	actor           string // the service token that wrote it
	createdAt       time.Time
}

// schemaFile is one table or view of a schema or diff: {name, raw, html}.
type schemaFile struct {
	Name string `json:"name"`
	Raw  string `json:"raw"`
	HTML string `json:"html"`
}

// newSchemaFile renders raw text with an HTML form that keeps its lines.
func newSchemaFile(name, raw string) schemaFile {
	return schemaFile{Name: name, Raw: raw, HTML: "<pre>" + html.EscapeString(raw) + "</pre>"}
}

// databaseSettings are the settings of spec update_database_settings other than approvals
// and migrations, as the database view shows them.
type databaseSettings struct {
	// defaultBranch is default_branch: the parent of a branch created without parent_branch
	// ("Defaults to the database's default branch if not provided", spec create_branch).
	defaultBranch string
	// dataBranching is allow_data_branching, "Whether seeding branches with data is enabled for
	// all branches" (spec); off on a new database (docs/design/emulator.md).
	dataBranching bool
	// foreignKeys is allow_foreign_key_constraints (foreign_keys_enabled), off on a new database;
	// while off, the linter reports FOREIGN_KEYS_DISALLOWED (docs/design/emulator.md).
	foreignKeys bool
	// restrictRegion is restrict_branch_region: "Whether or not to limit branch creation to
	// the same region as the one selected during database creation" (spec).
	restrictRegion bool
	// The rest have nothing to act on here (the emulator has no Insights,
	// web console or database deletion): they are kept and shown.
	insightsRawQueries bool
	deletionProtected  bool
	webConsole         bool
}

// defaultBranch is the production branch every database starts with, its
// default branch until default_branch changes it.
const defaultBranch = "main"

// migrationSettings are a database's "Automatically copy migration data" settings
// (planetscale.com/docs/concepts/branching; spec automatic_migrations).
type migrationSettings struct {
	automatic bool
	framework string // "" is null
	table     string // "" is null
}

// copyTable is the table whose rows are copied: the one migration_table_name names, "" when off;
// a framework's usual table is not documented, so none is guessed (docs/design/emulator.md).
func (m migrationSettings) copyTable() string {
	if !m.automatic {
		return ""
	}
	return m.table
}

// stampClock stamps created_at and schema_last_updated_at, each a whole millisecond later than
// the last, so that clients may compare them (docs/design/emulator.md).
type stampClock struct{ last time.Time }

// next returns the next stamp. The caller holds e.mu.
func (c *stampClock) next() time.Time {
	t := time.Now().Truncate(time.Millisecond)
	if !t.After(c.last) {
		t = c.last.Add(time.Millisecond)
	}
	c.last = t
	return t
}

// schemaPrint is a schema as one string, to tell whether it changed.
func schemaPrint(tables []storage.Table) string {
	var b strings.Builder
	for _, t := range tables {
		b.WriteString(t.SQL)
		b.WriteString(";\n")
	}
	return b.String()
}

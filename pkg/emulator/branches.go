package emulator

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/psflow/psflow/pkg/emulator/internal/deploy"
	"github.com/psflow/psflow/pkg/emulator/internal/storage"
)

func (e *Emulator) listBranches(w http.ResponseWriter, r *http.Request) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	db, err := e.pathDatabase(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	now := time.Now()
	var views []branchView
	for _, b := range db.sortedBranches() {
		if s := q.Get("q"); s != "" && !strings.Contains(b.name, s) {
			continue
		}
		if p, err := strconv.ParseBool(q.Get("production")); err == nil && p != b.production {
			continue
		}
		// Spec, list_branches: "safe_migrations: Filter branches by safe
		// migrations (DDL protection)".
		if s, err := strconv.ParseBool(q.Get("safe_migrations")); err == nil && s != b.safeMigrations {
			continue
		}
		views = append(views, e.branchView(db, b, now))
	}
	if q.Get("order") == "desc" {
		for i, j := 0, len(views)-1; i < j; i, j = i+1, j-1 {
			views[i], views[j] = views[j], views[i]
		}
	}
	writeJSON(w, http.StatusOK, paginate(r, views))
	return nil
}

func (e *Emulator) getBranch(w http.ResponseWriter, r *http.Request) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	db, b, err := e.pathBranch(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e.branchView(db, b, time.Now()))
	return nil
}

// createBranchRequest is the body of POST .../branches (spec operation
// create_branch).
type createBranchRequest struct {
	Name              string `json:"name"`
	ParentBranch      string `json:"parent_branch"`
	BackupID          string `json:"backup_id"`
	SeedData          string `json:"seed_data"`
	ClusterSize       string `json:"cluster_size"`
	Region            string `json:"region"`
	DeletionProtected bool   `json:"deletion_protected"`
}

func (e *Emulator) createBranch(w http.ResponseWriter, r *http.Request) error {
	var req createBranchRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	switch {
	case req.Name == "":
		return unprocessable("name is required")
	case !branchName.MatchString(req.Name):
		return unprocessable("invalid branch name %q: use lowercase letters, digits and dashes, starting with a letter or digit, at most 63 characters", req.Name)
	case req.SeedData != "" && req.SeedData != "last_successful_backup":
		return unprocessable("invalid seed_data %q: the only value is last_successful_backup", req.SeedData)
	case req.SeedData != "" && req.BackupID != "":
		return unprocessable("seed_data and backup_id cannot be used together")
	case req.BackupID != "" && req.ClusterSize == "":
		// Spec, create_branch: cluster_size is "Required if a backup_id
		// is provided"; pscale always sends one (PS-10 by default with
		// --restore or --seed-data, planetscale/cli
		// internal/cmd/branch/create.go).
		return unprocessable("cluster_size is required with backup_id (e.g. PS_10)")
	}
	db, b, src, err := e.reserveBranch(r, req)
	if err != nil {
		return err
	}
	fork, err := e.fillBranch(r.Context(), b.storageDB, src)
	if err != nil {
		e.mu.Lock()
		delete(db.branches, b.name)
		e.mu.Unlock()
		return errors.Join(err, e.store.DropDatabase(context.WithoutCancel(r.Context()), b.storageDB))
	}
	now := time.Now()
	e.mu.Lock()
	defer e.mu.Unlock()
	b.creating, b.fork = false, fork
	b.readyAt = now.Add(e.timings.BranchReady)
	b.updatedAt = now
	if src.backup != nil {
		src.backup.restoredTo = append(src.backup.restoredTo, b)
	}
	e.log.Info("branch created", "database", db.name, "branch", b.name, "parent", b.parent, "storage", b.storageDB)
	writeJSON(w, http.StatusCreated, e.branchView(db, b, now))
	return nil
}

// reserveBranch checks a create request against the current state and
// adds the branch, still creating, so no second request can take its name.
func (e *Emulator) reserveBranch(r *http.Request, req createBranchRequest) (*database, *branch, branchSource, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	db, err := e.pathDatabase(r)
	if err != nil {
		return nil, nil, branchSource{}, err
	}
	if db.branches[req.Name] != nil {
		return nil, nil, branchSource{}, unprocessable("branch %s already exists in database %s", req.Name, db.name)
	}
	if region := defaultRegion().Slug; db.settings.restrictRegion && req.Region != "" && req.Region != region {
		// restrict_branch_region: "Whether or not to limit branch
		// creation to the same region as the one selected during
		// database creation" (spec, PATCH .../databases/{database}).
		return nil, nil, branchSource{}, unprocessable("database %s restricts branches to its region %s (restrict_branch_region): cannot create branch %s in %s",
			db.name, region, req.Name, req.Region)
	}
	now := e.stamp.next()
	var src branchSource
	parentName := req.ParentBranch
	if req.BackupID != "" {
		bk := db.backups[req.BackupID]
		if bk == nil {
			return nil, nil, branchSource{}, notFound("backup %s not found in database %s", req.BackupID, db.name)
		}
		if bk.state(now) != "success" {
			return nil, nil, branchSource{}, unprocessable("backup %s is not complete yet", bk.id)
		}
		src.backup = bk
		if parentName == "" {
			parentName = bk.branch.name
		}
	}
	if parentName == "" {
		parentName = db.settings.defaultBranch
	}
	parent := db.branches[parentName]
	if parent == nil {
		return nil, nil, branchSource{}, notFound("parent branch %s not found in database %s", parentName, db.name)
	}
	restoredFrom := parent // seed_data: the parent's newest backup
	if src.backup != nil {
		restoredFrom = src.backup.branch
	} else if req.SeedData == "" {
		restoredFrom = nil
	}
	if err := e.mayCreate(r, db, req, restoredFrom); err != nil {
		return nil, nil, branchSource{}, err
	}
	if req.SeedData != "" {
		src.backup = db.lastSuccessfulBackup(parent, now)
		if src.backup == nil {
			return nil, nil, branchSource{}, unprocessable("branch %s has no successful backup to seed data from", parent.name)
		}
	}
	src.storageDB = parent.storageDB
	src.migrationTable = db.migrations.copyTable()
	if src.backup != nil {
		src.storageDB = src.backup.storageDB
	}
	size := req.ClusterSize
	if size == "" {
		size = "PS_DEV"
	}
	b := &branch{
		id: randomString(12), name: req.Name, parent: parent.name, storageDB: e.nextStorageName(),
		clusterSize: size, createdAt: now, updatedAt: now, creating: true, restoredFrom: src.backup,
		deletionProtected: req.DeletionProtected,
	}
	db.branches[b.name] = b
	return db, b, src, nil
}

// fillBranch creates a branch's storage database with the source's schema (and a backup's
// rows) and returns that schema, the branch's fork point (docs/design/emulator.md).
func (e *Emulator) fillBranch(ctx context.Context, storageDB string, src branchSource) ([]storage.Table, error) {
	if err := e.store.CreateDatabase(ctx, storageDB); err != nil {
		return nil, fmt.Errorf("create branch database: %w", err)
	}
	if err := e.store.CopySchema(ctx, src.storageDB, storageDB); err != nil {
		return nil, fmt.Errorf("copy schema: %w", err)
	}
	if src.backup != nil {
		if err := e.store.CopyData(ctx, src.storageDB, storageDB); err != nil {
			return nil, fmt.Errorf("copy data from backup %s: %w", src.backup.id, err)
		}
	}
	if err := e.copyParentMigrations(ctx, src, storageDB); err != nil {
		return nil, err
	}
	fork, err := e.store.Schema(ctx, storageDB)
	if err != nil {
		return nil, fmt.Errorf("read fork point: %w", err)
	}
	return fork, nil
}

func (e *Emulator) deleteBranch(w http.ResponseWriter, r *http.Request) error {
	e.mu.Lock()
	db, b, err := e.pathBranch(r)
	if err != nil {
		e.mu.Unlock()
		return err
	}
	victims, descendants := []*branch{b}, db.descendants(b)
	all := boolQuery(r, "delete_descendants")
	if all {
		victims = append(victims, descendants...)
	}
	for _, v := range victims {
		if v.production {
			e.mu.Unlock()
			return unprocessable("branch %s is a production branch and cannot be deleted", v.name)
		}
		if v.creating {
			e.mu.Unlock()
			return unprocessable("branch %s is still being created", v.name)
		}
		if err := deletionProtectedError(v); err != nil {
			e.mu.Unlock()
			return err
		}
	}
	if !all && len(descendants) > 0 {
		// The spec's delete_descendants ("If true, recursively delete
		// all descendant branches along with this branch") says what
		// happens with it, not what happens to the children without
		// it. Not documented, so the emulator refuses: nothing is
		// deleted that the client did not name, no branch is left with
		// a parent that is gone, and a client tested here works on
		// PlanetScale whatever it does.
		e.mu.Unlock()
		return unprocessable("branch %s has child branches (%s): delete them first, "+
			"or pass delete_descendants=true (pscale branch delete --delete-descendants) to delete them with it",
			b.name, branchNames(descendants))
	}
	var drops dropList
	for _, v := range victims {
		drops.merge(e.removeBranch(db, v, time.Now()))
	}
	e.mu.Unlock()
	if err := drops.run(context.WithoutCancel(r.Context()), e); err != nil {
		return err
	}
	return noContent(w)
}

// branchNames lists the names of branches, comma-separated.
func branchNames(bs []*branch) string {
	names := make([]string, len(bs))
	for i, b := range bs {
		names[i] = b.name
	}
	return strings.Join(names, ", ")
}

// dropList is storage left to drop after a branch or backup is removed
// from the state.
type dropList struct {
	databases []string
	users     []string
}

func (d *dropList) merge(o dropList) {
	d.databases = append(d.databases, o.databases...)
	d.users = append(d.users, o.users...)
}

func (d dropList) run(ctx context.Context, e *Emulator) error {
	var errs []error
	for _, u := range d.users {
		errs = append(errs, e.store.DropUser(ctx, u))
	}
	for _, name := range d.databases {
		errs = append(errs, e.store.DropDatabase(ctx, name))
	}
	return errors.Join(errs...)
}

// removeBranch takes a branch, its passwords and backups out of the state, marks its deploy
// requests and returns what to drop from storage. The caller holds e.mu.
func (e *Emulator) removeBranch(db *database, b *branch, now time.Time) dropList {
	drops := dropList{databases: []string{b.storageDB}}
	for _, p := range b.passwords {
		drops.users = append(drops.users, p.username)
	}
	drops.users = append(drops.users, b.retired...)
	for id, bk := range db.backups {
		if bk.branch == b {
			delete(db.backups, id)
			drops.databases = append(drops.databases, bk.storageDB)
		}
	}
	for _, dr := range db.drs {
		if dr.branch == b.name && !dr.branchDeleted {
			dr.branchDeleted, dr.branchDeletedAt = true, now
			if !dr.closed && !deploy.Deploying(dr.State) {
				dr.closed, dr.closedAt, dr.updatedAt = true, now, now
			}
		}
	}
	delete(db.branches, b.name)
	e.log.Info("branch deleted", "database", db.name, "branch", b.name)
	return drops
}

func (e *Emulator) promoteBranch(w http.ResponseWriter, r *http.Request) error {
	return e.updateBranch(w, r, func(b *branch) { b.production = true })
}

// setSafeMigrations serves the endpoints that turn safe migrations on or off; the edge asks
// before every DDL statement, so every password and open session follows at once.
func (e *Emulator) setSafeMigrations(on bool) apiHandler {
	return func(w http.ResponseWriter, r *http.Request) error {
		return e.updateBranch(w, r, func(b *branch) { b.safeMigrations = on })
	}
}

// updateBranch changes a branch and answers with it.
func (e *Emulator) updateBranch(w http.ResponseWriter, r *http.Request, change func(*branch)) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	db, b, err := e.pathBranch(r)
	if err != nil {
		return err
	}
	now := time.Now()
	change(b)
	b.updatedAt = now
	writeJSON(w, http.StatusOK, e.branchView(db, b, now))
	return nil
}

// mayCreate checks that the token of r may create this branch and the database allows it
// (spec create_branch; docs/design/emulator.md). The caller holds e.mu.
func (e *Emulator) mayCreate(r *http.Request, db *database, req createBranchRequest, restoredFrom *branch) error {
	if restoredFrom == nil {
		if !e.granted(r, "create_branch") {
			return lacksAccess("create branch "+req.Name, "create_branch")
		}
		return nil
	}
	if need := restoreAccess(restoredFrom); !e.granted(r, need) {
		return lacksAccess("restore a backup of "+branchKind(restoredFrom)+" branch "+restoredFrom.name+" into branch "+req.Name, need)
	}
	if req.SeedData != "" && !db.settings.dataBranching {
		return unprocessable("Data Branching is not enabled on database %s: turn on allow_data_branching "+
			"(PATCH of the database, or the database's settings page) to create branches with seed_data", db.name)
	}
	return nil
}

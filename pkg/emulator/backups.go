package emulator

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"time"
)

// backupView is a branch backup as the API returns it.
type backupView struct {
	ID                   string     `json:"id"`
	Name                 string     `json:"name"`
	State                string     `json:"state"`
	Size                 int64      `json:"size"`
	EstimatedStorageCost float64    `json:"estimated_storage_cost"`
	CreatedAt            string     `json:"created_at"`
	UpdatedAt            string     `json:"updated_at"`
	StartedAt            *string    `json:"started_at"`
	ExpiresAt            *string    `json:"expires_at"`
	CompletedAt          *string    `json:"completed_at"`
	DeletedAt            *string    `json:"deleted_at"`
	PVCSize              int64      `json:"pvc_size"`
	UncompressedSize     int64      `json:"uncompressed_size"`
	Protected            bool       `json:"protected"`
	Required             bool       `json:"required"`
	RestoredBranches     []refView  `json:"restored_branches"`
	Actor                *actorView `json:"actor"`
	DatabaseBranch       refView    `json:"database_branch"`
}

// backupView renders a backup. The caller holds e.mu.
func (e *Emulator) backupView(bk *backup, now time.Time) backupView {
	state := bk.state(now)
	v := backupView{
		ID: bk.id, Name: bk.name, State: state,
		CreatedAt: apiTime(bk.createdAt), UpdatedAt: apiTime(bk.createdAt),
		StartedAt: apiTimePtr(bk.createdAt), ExpiresAt: apiTimePtr(bk.expiresAt),
		RestoredBranches: []refView{}, Actor: e.actor(), DatabaseBranch: branchRef(bk.branch),
	}
	if state == "success" {
		v.UpdatedAt = apiTime(bk.readyAt)
		v.CompletedAt = apiTimePtr(bk.readyAt)
	}
	for _, b := range bk.restoredTo {
		v.RestoredBranches = append(v.RestoredBranches, branchRef(b))
	}
	return v
}

// lastSuccessfulBackup is the newest complete backup of a branch, or nil.
// The caller holds e.mu.
func (d *database) lastSuccessfulBackup(b *branch, now time.Time) *backup {
	var last *backup
	for _, bk := range d.branchBackups(b) {
		if bk.state(now) == "success" && (last == nil || bk.readyAt.After(last.readyAt)) {
			last = bk
		}
	}
	return last
}

// branchBackups lists a branch's backups, newest first.
func (d *database) branchBackups(b *branch) []*backup {
	var out []*backup
	for _, bk := range d.backups {
		if bk.branch == b {
			out = append(out, bk)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].createdAt.Equal(out[j].createdAt) {
			return out[i].id > out[j].id
		}
		return out[i].createdAt.After(out[j].createdAt)
	})
	return out
}

// createBackupRequest is the body of POST .../backups.
type createBackupRequest struct {
	Name           string `json:"name"`
	RetentionUnit  string `json:"retention_unit"`
	RetentionValue int    `json:"retention_value"`
}

// retention is how long a backup is kept.
func (r createBackupRequest) retention() (time.Duration, error) {
	n := r.RetentionValue
	if n <= 0 {
		n = 1
	}
	unit := map[string]time.Duration{
		"": 24 * time.Hour, "hour": time.Hour, "day": 24 * time.Hour, "week": 7 * 24 * time.Hour,
		"month": 30 * 24 * time.Hour, "year": 365 * 24 * time.Hour,
	}
	d, ok := unit[r.RetentionUnit]
	if !ok {
		return 0, unprocessable("invalid retention_unit %q", r.RetentionUnit)
	}
	return time.Duration(n) * d, nil
}

func (e *Emulator) createBackup(w http.ResponseWriter, r *http.Request) error {
	var req createBackupRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	keep, err := req.retention()
	if err != nil {
		return err
	}
	e.mu.Lock()
	_, b, err := e.pathBranch(r)
	if err != nil {
		e.mu.Unlock()
		return err
	}
	source, snapshot := b.storageDB, e.nextStorageName()
	e.mu.Unlock()

	if err := e.snapshot(r.Context(), source, snapshot); err != nil {
		return errors.Join(err, e.store.DropDatabase(context.WithoutCancel(r.Context()), snapshot))
	}
	now := time.Now()
	bk := &backup{
		id: randomString(12), name: req.Name, branch: b, storageDB: snapshot,
		createdAt: now, readyAt: now.Add(e.timings.BackupReady), expiresAt: now.Add(keep),
	}
	if bk.name == "" {
		bk.name = now.UTC().Format("2006.01.02 15:04:05")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	db, err := e.stillThere(r, b)
	if err != nil {
		return errors.Join(err, e.store.DropDatabase(context.WithoutCancel(r.Context()), snapshot))
	}
	db.backups[bk.id] = bk
	e.log.Info("backup created", "database", db.name, "branch", b.name, "backup", bk.id, "storage", snapshot)
	writeJSON(w, http.StatusCreated, e.backupView(bk, now))
	return nil
}

// snapshot copies a database's schema and rows into a new database.
func (e *Emulator) snapshot(ctx context.Context, from, to string) error {
	if err := e.store.CreateDatabase(ctx, to); err != nil {
		return fmt.Errorf("create backup database: %w", err)
	}
	if err := e.store.CopySchema(ctx, from, to); err != nil {
		return fmt.Errorf("copy schema to backup: %w", err)
	}
	if err := e.store.CopyData(ctx, from, to); err != nil {
		return fmt.Errorf("copy data to backup: %w", err)
	}
	return nil
}

// findBackup finds a backup of the branch in the path. The caller holds
// e.mu.
func (e *Emulator) findBackup(r *http.Request) (*database, *backup, error) {
	db, b, err := e.pathBranch(r)
	if err != nil {
		return nil, nil, err
	}
	bk := db.backups[r.PathValue("id")]
	if bk == nil || bk.branch != b {
		return nil, nil, notFound("backup %s not found on branch %s", r.PathValue("id"), b.name)
	}
	return db, bk, nil
}

func (e *Emulator) getBackup(w http.ResponseWriter, r *http.Request) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, bk, err := e.findBackup(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e.backupView(bk, time.Now()))
	return nil
}

func (e *Emulator) deleteBackup(w http.ResponseWriter, r *http.Request) error {
	e.mu.Lock()
	db, bk, err := e.findBackup(r)
	if err != nil {
		e.mu.Unlock()
		return err
	}
	delete(db.backups, bk.id)
	e.mu.Unlock()
	if err := e.store.DropDatabase(context.WithoutCancel(r.Context()), bk.storageDB); err != nil {
		return err
	}
	return noContent(w)
}

func (e *Emulator) listBackups(w http.ResponseWriter, r *http.Request) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	db, b, err := e.pathBranch(r)
	if err != nil {
		return err
	}
	now := time.Now()
	state := r.URL.Query().Get("state")
	var views []backupView
	for _, bk := range db.branchBackups(b) {
		if state == "" || bk.state(now) == state {
			views = append(views, e.backupView(bk, now))
		}
	}
	writeJSON(w, http.StatusOK, paginate(r, views))
	return nil
}

package seedbranch

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/psflow/psflow/actions/shared"
)

// markerTable is the table seed-branch keeps in the branch's database:
// one row for the branch as it was before the first run (its base), and
// one row per file applied since, in the order they were applied.
const markerTable = shared.SeedMarkerTable

// The statuses of a file in the marker table.
const (
	statusRunning = "running"
	statusOK      = "ok"
	statusFailed  = "failed"
)

// markerDDL creates the marker table.
const markerDDL = shared.SeedMarkerDDL

// appliedFile is a file row of the marker table: a file an earlier run
// applied, or was applying.
type appliedFile struct {
	ID     int64
	File   string
	Sum    string
	Status string
}

// history is what the marker table holds: the base snapshot, when a run
// recorded one, and the files applied since.
type history struct {
	base    *snapshot
	applied []appliedFile
	created bool // the table did not exist: the branch's fork point lacks it
}

// control is the run's own connection to the branch: it holds the lock
// that serializes runs on a branch and reads and writes the marker table.
type control struct {
	conn *sql.Conn
	lock string
}

// newControl takes a connection from the pool.
func newControl(ctx context.Context, pool *sql.DB) (*control, error) {
	conn, err := pool.Conn(ctx)
	if err != nil {
		return nil, err
	}
	var db sql.NullString
	if err := conn.QueryRowContext(ctx, "SELECT DATABASE()").Scan(&db); err != nil {
		_ = conn.Close()
		return nil, err
	}
	sum := sha256.Sum256([]byte(db.String))
	return &control{conn: conn, lock: "psflow_seed_" + hex.EncodeToString(sum[:12])}, nil
}

// errLockTimeout says another run held the branch's lock until the
// deadline.
var errLockTimeout = errors.New("another seed-branch run held the branch until the deadline")

// acquire takes the branch's named lock, waiting for another run to finish
// (waiting is logged once). It returns false, with no error, when the
// server has no named locks.
func (c *control) acquire(ctx context.Context, logf func(string, ...any)) (bool, error) {
	var got sql.NullInt64
	if err := c.conn.QueryRowContext(ctx, "SELECT GET_LOCK(?, 0)", c.lock).Scan(&got); err != nil {
		if ctx.Err() != nil {
			return false, err
		}
		return false, nil
	}
	if got.Int64 == 1 {
		return true, nil
	}
	wait := 365 * 24 * time.Hour
	if dl, ok := ctx.Deadline(); ok {
		wait = time.Until(dl)
	}
	logf("waiting for another seed-branch run on this branch to finish")
	if err := c.conn.QueryRowContext(ctx, "SELECT GET_LOCK(?, ?)", c.lock, int64(wait.Seconds())+1).Scan(&got); err != nil {
		return false, err
	}
	if got.Int64 != 1 {
		return false, errLockTimeout
	}
	return true, nil
}

// release gives the lock back and closes the connection.
func (c *control) release() {
	ctx, cancel := context.WithTimeout(context.Background(), shared.CleanupTimeout)
	defer cancel()
	_, _ = c.conn.ExecContext(ctx, "DO RELEASE_LOCK(?)", c.lock)
	_ = c.conn.Close()
}

// history creates the marker table when needed and reads it.
func (c *control) history(ctx context.Context) (history, error) {
	var h history
	found, err := c.strings(ctx, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?", markerTable)
	if err != nil {
		return h, fmt.Errorf("look for table %s: %w", markerTable, err)
	}
	h.created = len(found) == 0
	if _, err := c.conn.ExecContext(ctx, markerDDL); err != nil {
		return h, fmt.Errorf("create table %s: %w", markerTable, err)
	}
	rows, err := c.conn.QueryContext(ctx, "SELECT `id`, `file`, `sha256`, `status`, COALESCE(`base`, '') FROM `"+markerTable+"` ORDER BY `id`")
	if err != nil {
		return h, fmt.Errorf("read table %s: %w", markerTable, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			f    appliedFile
			base string
		)
		if err := rows.Scan(&f.ID, &f.File, &f.Sum, &f.Status, &base); err != nil {
			return h, fmt.Errorf("read table %s: %w", markerTable, err)
		}
		if f.File != "" {
			h.applied = append(h.applied, f)
			continue
		}
		var snap snapshot
		if err := json.Unmarshal([]byte(base), &snap); err != nil {
			return h, fmt.Errorf("read the base recorded in %s: %w", markerTable, err)
		}
		h.base = &snap
	}
	if err := rows.Err(); err != nil {
		return h, fmt.Errorf("read table %s: %w", markerTable, err)
	}
	return h, nil
}

// recordBase records the branch as it is before the first run.
func (c *control) recordBase(ctx context.Context, base snapshot) error {
	data, err := json.Marshal(base)
	if err != nil {
		return err
	}
	_, err = c.conn.ExecContext(ctx, "INSERT INTO `"+markerTable+"` (`file`, `sha256`, `status`, `base`) VALUES ('', '', ?, ?)", statusOK, string(data))
	if err != nil {
		return fmt.Errorf("write table %s: %w", markerTable, err)
	}
	return nil
}

// forgetFiles deletes every file row: the branch is back at its base.
func (c *control) forgetFiles(ctx context.Context) error {
	if _, err := c.conn.ExecContext(ctx, "DELETE FROM `"+markerTable+"` WHERE `file` <> ''"); err != nil {
		return fmt.Errorf("write table %s: %w", markerTable, err)
	}
	return nil
}

// begin records files as being applied, in order.
func (c *control) begin(ctx context.Context, files []seedFile) error {
	for _, f := range files {
		_, err := c.conn.ExecContext(ctx, "INSERT INTO `"+markerTable+"` (`file`, `sha256`, `status`) VALUES (?, ?, ?)", f.Path, f.Sum, statusRunning)
		if err != nil {
			return fmt.Errorf("write table %s: %w", markerTable, err)
		}
	}
	return nil
}

// finish records how the files being applied ended: ok for the files
// applied, failed for the others.
func (c *control) finish(ctx context.Context, applied []string) error {
	for _, f := range applied {
		if _, err := c.conn.ExecContext(ctx, "UPDATE `"+markerTable+"` SET `status` = ? WHERE `status` = ? AND `file` = ?", statusOK, statusRunning, f); err != nil {
			return fmt.Errorf("write table %s: %w", markerTable, err)
		}
	}
	if _, err := c.conn.ExecContext(ctx, "UPDATE `"+markerTable+"` SET `status` = ? WHERE `status` = ?", statusFailed, statusRunning); err != nil {
		return fmt.Errorf("write table %s: %w", markerTable, err)
	}
	return nil
}
